"""Where the project's own folders are: schemas, the sample manual, the viewer and the trust store.

ietm is installed editable (`pip install -e .`), so these live beside the package, as in the repository.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SCHEMA_CATALOG = SCHEMAS / "catalog.xml"
CONTENT = ROOT / "content"
VIEWER = ROOT / "viewer"
TEMPLATES = VIEWER / "templates"
STATIC = VIEWER / "static"
SIGNING = ROOT / "signing"
