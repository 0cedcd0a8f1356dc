"""The render contract: everything a content renderer may know about where it renders.

Rendering is pure (no server state, no request), so `ietm serve` and `ietm publish` share one renderer;
they differ only in the `Links` they inject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree

from ietm.parse.loader import Loaded
from ietm.parse.model import CsdbObject


class Links(Protocol):
    """URL builder: the server and the static bundle each provide one; None means unresolvable (a broken ref)."""

    def dm(
        self, key: str, issue: str | None = None, language: str | None = None, fragment: str | None = None
    ) -> str | None: ...

    def pm(self, key: str, issue: str | None = None, language: str | None = None) -> str | None: ...

    def icn(self, name: str) -> str | None:
        """The entity's declared file name -> URL of a browser-displayable file (CGM converted); None if missing."""
        ...

    def static(self, path: str) -> str:
        """URL of a viewer/static asset."""
        ...


@dataclass
class RenderContext:
    """What one render of one object needs; built by the caller per object."""

    links: Links
    language: str  # UI language: "en" | "ru"
    obj: CsdbObject  # the object being rendered
    doc: Loaded  # its parsed file; doc.entities maps ICN entity -> file name
    titles: Callable[[str], str | None]  # key -> title of a referenced object, for link texts
    unknown: Callable[[etree._Element], None]  # called for an element no renderer knows (the server logs it)
    # (kind, ident) -> the common information repository entry (warningSpec, toolSpec, partSpec...) a reference
    # names, in the page's language where the CSDB has both; None = not resolvable here (the reference then
    # shows its identifier). Kinds and ident forms: ietm.render.content.cir.
    repository: Callable[[str, str], etree._Element | None] | None = None
    # the CSDB's applicability (ietm.applic.Applicability): the applicability repositories an applicRef names
    applicability: Any = None
    # product attribute or condition ident -> its name in the page's content language (statements spelled out
    # read `Model: ...`, not `model: ...`); None = idents are shown
    property_names: Callable[[str], str | None] | None = None
    # (kind, ident) -> [(key, title)] of the data modules that refer to a repository entry (where it is used),
    # kinds as in ietm.parse.model.CIR_REFS; None = not known here
    uses: Callable[[str, str], list[tuple[str, str]]] | None = None
    # what the renders of this object share (ietm.render.content.base.Html: the module's ids and numbers)
    shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
