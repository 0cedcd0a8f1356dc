"""Opening a source document safely: Word .docx read with python-docx, other formats through LibreOffice.

python-docx (MIT, maintained since 2013, used by most Python tools that read Word) gives the document's
parts, relationships, styles and numbering while leaving the body XML to us, which the mapping needs: merged
cells, numbering levels, text boxes and footnotes are only in the XML. Before python-docx sees a file, the
package is inspected: a zip bomb, macros, a DOCTYPE in any part or an image, object or subdocument linked
from outside the document is refused with one line, so nothing is written for a hostile file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ietm.errors import ConfigError, InputError
from ietm.intake.archive import check_sizes

MAX_SOURCE_BYTES = 256 * 1024 * 1024
CONVERTED = {".doc", ".odt", ".rtf"}
SUFFIXES = {".docx", *CONVERTED}
SOFFICE_TIMEOUT = 600
_EXTERNAL_LINK = re.compile(rb'<Relationship\b[^>]*\bTargetMode="External"[^>]*>', re.IGNORECASE)
_MAGIC = {".doc": (b"\xd0\xcf\x11\xe0",), ".rtf": (b"{\\rtf",), ".odt": (b"PK\x03\x04",), ".docx": (b"PK\x03\x04",)}
_VBA_IN_OLE = "_VBA_PROJECT".encode("utf-16-le")


@dataclass
class Source:
    """A document ready to read: the .docx to open and the name to show in every message."""

    path: Path  # the .docx (the original, or LibreOffice's conversion in `workdir`)
    shown: str  # the file the user named
    workdir: Path  # temporary folder for conversions; removed by close()

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def open_source(path: Path) -> Source:
    """Check `path` and make it a .docx; every refusal is one InputError line naming the file."""
    shown = str(path)
    if not path.is_file():
        raise InputError("no such file", shown)
    suffix = path.suffix.lower()
    if suffix in (".docm", ".dotm"):
        raise InputError("is a macro-enabled Word document: refused; save it as .docx (without macros) first", shown)
    if suffix not in SUFFIXES:
        raise InputError(f"'{suffix or 'no suffix'}' is not a document ietm imports (.docx, .doc, .odt, .rtf)", shown)
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise InputError(f"file is {size} bytes, over the limit of {MAX_SOURCE_BYTES}", shown)
    with open(path, "rb") as f:
        head = f.read(8)
    if not head.startswith(_MAGIC[suffix]):
        raise InputError(f"is not a {suffix[1:].upper()} file (its content does not start as one): corrupt or misnamed", shown)
    workdir = Path(tempfile.mkdtemp(prefix="ietm-import-"))
    try:
        if suffix == ".docx":
            inspect_package(path, shown)
            return Source(path, shown, workdir)
        if suffix == ".odt":
            try:
                with zipfile.ZipFile(path) as archive:
                    check_sizes(archive, shown)
            except zipfile.BadZipFile:
                raise InputError("is not a readable document (a broken zip package): corrupt", shown) from None
        if suffix == ".doc" and _VBA_IN_OLE in path.read_bytes():
            raise InputError("holds macros (a VBA project): refused; save it without macros first", shown)
        converted = convert(path, workdir, shown)
        inspect_package(converted, shown)
        return Source(converted, shown, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def inspect_package(path: Path, shown: str) -> None:
    """Refuse a .docx that is not a sound, macro-free, self-contained Word package."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError("is not a readable Word document (a broken zip package): corrupt", shown) from None
    with archive:
        infos = check_sizes(archive, shown)
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise InputError("is not a Word document (no word/document.xml in the package): corrupt or misnamed", shown)
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise InputError("holds macros (a VBA project): refused; save it as .docx without macros first", shown)
        try:
            for info in infos:
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with archive.open(info) as member:
                    data = member.read(info.file_size + 1)
                if len(data) > info.file_size:
                    raise InputError(f"package part {info.filename} is larger than its header says: refused", shown)
                if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
                    raise InputError(f"package part {info.filename} declares a DOCTYPE or entities: refused", shown)
                if info.filename == "[Content_Types].xml" and b"macroEnabled" in data:
                    raise InputError("is a macro-enabled document: refused; save it as .docx without macros first", shown)
                if info.filename.endswith(".rels"):
                    for m in _EXTERNAL_LINK.finditer(data):
                        rel = m.group(0)
                        # content only: the template a document was made from (attachedTemplate, often a path on
                        # the writer's own disk) is never read, so it does not refuse a real document
                        if b"/image" in rel or b"/oleObject" in rel or b"/subDocument" in rel:
                            target = re.search(rb'Target="([^"]*)"', rel)
                            where = target.group(1).decode("utf-8", "replace") if target else "?"
                            raise InputError(f"links content from outside the document ({where}): refused; "
                                             "embed the pictures and objects in the file", shown)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise InputError(f"is not a readable Word document: {exc}", shown) from None
        except Exception as exc:  # zlib.error and similar from a damaged member
            if isinstance(exc, InputError):
                raise
            raise InputError(f"is not a readable Word document: {exc}", shown) from None


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConfigError("LibreOffice is not installed (Debian: libreoffice-writer-nogui, libreoffice-draw-nogui); "
                          "it converts .doc, .odt, .rtf and EMF/WMF pictures")
    return found


def run_libreoffice(files: list[Path], fmt: str, outdir: Path, shown: str) -> None:
    """Convert files with LibreOffice headless into `outdir`, in a private profile so runs never collide."""
    profile = Path(tempfile.mkdtemp(prefix="ietm-lo-"))
    try:
        cmd = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
               "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]
        env = {**os.environ, "HOME": str(profile)}
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=SOFFICE_TIMEOUT, env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice did not finish converting within {SOFFICE_TIMEOUT} s", shown) from None
        if proc.returncode != 0:
            last = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise InputError(f"LibreOffice could not convert it: {last[0]}", shown)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def convert(path: Path, workdir: Path, shown: str) -> Path:
    """A .doc, .odt or .rtf as .docx, converted by LibreOffice into `workdir`."""
    src = workdir / ("source" + path.suffix.lower())
    shutil.copyfile(path, src)  # a plain name: LibreOffice names its output after the input
    run_libreoffice([src], "docx:MS Word 2007 XML", workdir, shown)
    out = workdir / "source.docx"
    if not out.is_file():
        raise InputError("LibreOffice could not read it as a document: corrupt or not a document", shown)
    return out


def open_docx(source: Source):
    """The python-docx Document of a checked package."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(source.path))
    except PackageNotFoundError:
        raise InputError("is not a readable Word document", source.shown) from None
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"is not a readable Word document: {exc}", source.shown) from None
    except Exception as exc:  # lxml syntax errors in a damaged part and the like
        raise InputError(f"is not a readable Word document: {type(exc).__name__}: {exc}", source.shown) from None
