"""What a reader of a printed publication can check, with the tools a reader has: pdftotext, pdffonts,
pdftoppm (poppler-utils) and the PDF's own outline and links (pypdf)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

MM = 72 / 25.4  # PDF points per millimetre
A4_HEIGHT = 297 * MM


@dataclass
class Mark:
    title: str
    depth: int  # 1 = top level of the outline
    page: int  # 1-based
    top: float  # distance of the destination from the top of the page, mm


def outline(pdf: Path) -> list[Mark]:
    reader = PdfReader(str(pdf))
    out: list[Mark] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                top = float(item.top) if item.top is not None else A4_HEIGHT
                out.append(Mark(item.title, depth, reader.get_destination_page_number(item) + 1,
                                (A4_HEIGHT - top) / MM))

    walk(reader.outline, 1)
    return out


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def word_coverage(pdf: Path, contents: list) -> tuple[float, list[str]]:
    """Share of the words of the modules' content elements that pdftotext finds in the PDF, and some misses."""
    found = set(words("\n".join(page_texts(pdf))))
    total = hit = 0
    missing: list[str] = []
    for content in contents:
        for w in words(" ".join(content.itertext())):
            total += 1
            if w in found:
                hit += 1
            elif len(missing) < 30:
                missing.append(w)
    return (hit / total if total else 1.0), missing


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font of the PDF, as pdffonts lists them."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        cols = line.split()
        # name type... encoding emb sub uni object ID: emb is the 5th field from the end
        rows.append((cols[0], cols[-5] == "yes"))
    return rows


def page_images(pdf: Path, folder: Path, dpi: int = 40) -> list[Path]:
    """Every page as a greyscale PNG (pdftoppm), in page order."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(folder / "p")], check=True)
    return sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def dark_share(image, x1_mm: float, x2_mm: float, y_mm: float, dpi: int, vertical: bool = False,
               tolerance_px: int = 1) -> float:
    """Share of dark pixels along a line of the page (horizontal at y from x1 to x2, or vertical at x = y_mm
    from x1 to x2), allowing the line to be `tolerance_px` off."""
    px = dpi / 25.4
    best = 0.0
    for d in range(-tolerance_px, tolerance_px + 1):
        fixed = round(y_mm * px) + d
        points = range(round(x1_mm * px), round(x2_mm * px))
        pixels = [image.getpixel((fixed, p) if vertical else (p, fixed)) for p in points]
        best = max(best, sum(1 for v in pixels if v < 128) / max(1, len(pixels)))
    return best
