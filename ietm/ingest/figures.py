"""Pictures of the source as ICN files: PNG, JPEG, GIF and SVG kept as they are, the rest (EMF, WMF, BMP,
TIFF) converted to PNG by LibreOffice, all at once at the end, and cut out of the blank page LibreOffice draws
them on. The same picture keeps its ICN across
re-imports (the import manifest maps picture hashes to ICN names), and a new one takes the next free number.

Names follow the CAGE-based form the S1000D 4.2 default BREX accepts: ICN-<enterprise>-<5 digits>-001-01.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

from ietm.errors import InputError
from ietm.ingest.blocks import Picture
from ietm.ingest.reading import run_libreoffice

KEPT = {"png": ("PNG", "png"), "jpeg": ("JPG", "jpeg"), "gif": ("GIF", "gif"), "svg": ("SVG", "svg")}
CONVERTED = {"emf", "wmf", "bmp", "tif", "tiff", "emz", "wmz"}
NOTATION_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"}
_ICN_NUMBER = re.compile(r"^ICN-([A-Z0-9]{5})-(\d{5})-\d{3}-\d{2}\.", re.IGNORECASE)


@dataclass
class Icn:
    name: str  # ICN-... without suffix: the entity name
    suffix: str  # PNG, JPG ...
    notation: str  # png, jpeg ...
    data: bytes
    where: str  # the first place in the source that shows it
    converted_from: str | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.suffix}"


class Figures:
    """The ICNs of one import: numbering, reuse across re-imports, conversion."""

    def __init__(self, enterprise: str, known: dict[str, str], existing_files: list[str]) -> None:
        self.enterprise = enterprise.upper()
        self.known = dict(known)  # sha256 of the source picture -> ICN name (from the last import)
        used = {int(m.group(2)) for f in existing_files if (m := _ICN_NUMBER.match(f)) and m.group(1).upper() == self.enterprise}
        used |= {int(n.split("-")[2]) for n in known.values() if n.count("-") >= 4 and n.split("-")[2].isdigit()}
        self.next = max(used, default=0) + 1
        self.icns: dict[str, Icn] = {}  # sha -> Icn
        self.unsupported: list[tuple[str, str]] = []

    def icn_for(self, picture: Picture) -> Icn | None:
        ext = picture.ext
        if ext not in KEPT and ext not in CONVERTED:
            self.unsupported.append((picture.where, f"a picture in {ext.upper() or 'an unknown'} format, which "
                                     "neither browsers nor LibreOffice show"))
            return None
        sha = hashlib.sha256(picture.data).hexdigest()
        if sha in self.icns:
            return self.icns[sha]
        name = self.known.get(sha)
        if name is None:
            name = f"ICN-{self.enterprise}-{self.next:05d}-001-01"
            self.next += 1
            self.known[sha] = name
        if ext in KEPT:
            suffix, notation = KEPT[ext]
            icn = Icn(name, suffix, notation, picture.data, picture.where)
        else:
            icn = Icn(name, "PNG", "png", picture.data, picture.where, converted_from=ext)
        self.icns[sha] = icn
        return icn

    def convert(self, workdir: Path, shown: str) -> None:
        """Turn every picture browsers cannot show into PNG, in one LibreOffice run."""
        pending = [i for i in self.icns.values() if i.converted_from]
        if not pending:
            return
        src = workdir / "pictures"
        out = workdir / "converted"
        src.mkdir(exist_ok=True)
        out.mkdir(exist_ok=True)
        files = []
        for icn in pending:
            f = src / f"{icn.name}.{icn.converted_from}"
            f.write_bytes(icn.data)
            files.append(f)
        run_libreoffice(files, "png", out, shown)
        for icn in pending:
            png = out / f"{icn.name}.png"
            if not png.is_file() or not png.read_bytes().startswith(b"\x89PNG"):
                raise InputError(f"{icn.where}: LibreOffice could not convert the {icn.converted_from.upper()} picture to PNG", shown)
            icn.data = trimmed(png.read_bytes())

    @staticmethod
    def doctype(root_name: str, icns: list[Icn]) -> str | None:
        """The internal DTD subset declaring a module's illustrations, as S1000D declares them."""
        if not icns:
            return None
        notations = sorted({i.notation for i in icns})
        lines = [f'<!NOTATION {n} SYSTEM "{NOTATION_TYPES[n]}">' for n in notations]
        lines += [f'<!ENTITY {i.name} SYSTEM "{i.filename}" NDATA {i.notation}>' for i in sorted(icns, key=lambda i: i.name)]
        return f"<!DOCTYPE {root_name} [\n" + "\n".join(lines) + "\n]>"


def trimmed(png: bytes) -> bytes:
    """The PNG without the blank page around the drawing (LibreOffice exports a metafile on a whole A4 page)."""
    with Image.open(io.BytesIO(png)) as im:
        rgb = im.convert("RGB")
        box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, (255, 255, 255))).getbbox()
        if box is None or box == (0, 0, *rgb.size):
            return png
        out = io.BytesIO()
        im.crop(box).save(out, "PNG", optimize=True)
        return out.getvalue()
