"""Reading CSDB files: safe XML loading, object identity (DMC, PMC, ICN ...) and the object model."""

from ietm.parse.loader import Loaded, load, load_bytes
from ietm.parse.model import CsdbObject, read_object

__all__ = ["CsdbObject", "Loaded", "load", "load_bytes", "read_object"]
