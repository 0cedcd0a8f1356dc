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

#: set by the tests' `IETM_TEST_DATABASE=postgresql` switch (tests/conftest.py) to the PostgreSQL server their
#: session started: a CSDB with no `[server] database` then has its server database there instead of the SQLite
#: file in its state folder (ietm.serverdb.engine.database_url; ietm.catalog.servers, which must not load the
#: database libraries, asks the same). Here, beside the state folder, so both read one name.
TEST_POSTGRES = "IETM_TEST_POSTGRES"


def state_dir(csdb: Path) -> Path:
    """Where ietm keeps its caches for a CSDB (catalog, index, converted illustrations).

    Inside the CSDB (`.ietm/`) when the folder is writable by its mode bits; otherwise (a read-only CSDB,
    such as shared reference data) in the user's cache folder, keyed by the CSDB's absolute path.
    """
    import hashlib
    import os
    import stat

    override = os.environ.get("IETM_STATE_DIR")
    csdb = csdb.resolve()
    if override:
        return Path(override) / hashlib.sha256(str(csdb).encode()).hexdigest()[:16]
    inside = csdb / ".ietm"
    # mode bits, not only os.access: root may write anywhere, yet a folder without write bits (shared reference
    # data, a mounted release) is meant to stay as it is, and a read-only .ietm inside it is someone else's cache
    holder = inside if inside.is_dir() else csdb
    if holder.stat().st_mode & stat.S_IWUSR and os.access(holder, os.W_OK):
        return inside
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    # keyed by this installation of ietm too: another version (another checkout) serving the same read-only
    # folder keeps its own catalog and server database, instead of meeting one its code cannot read
    return cache / "ietm" / hashlib.sha256(f"{csdb}\n{ROOT}".encode()).hexdigest()[:16]
