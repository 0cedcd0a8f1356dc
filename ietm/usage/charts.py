"""Plain SVG charts drawn on the server: nothing to load in the browser, printable, readable without scripts.

A chart is an `<svg role="img">` with a `<title>` and a `<desc>` that says the numbers in words, so a screen reader
gets what the bars show; the page puts the same figures in a table beside it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

ROW = 26
LABEL = 300
WIDTH = 720


def bars(items: list[tuple[str, int]], title: str, ident: str) -> Markup:
    """Horizontal bars, one per (label, value), longest first as given; an empty list draws nothing."""
    if not items:
        return Markup("")
    top = max(v for _, v in items) or 1
    span = WIDTH - LABEL - 60
    height = ROW * len(items) + 8
    parts = [f'<svg class="usage-chart" role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" data-chart="{ident}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{ident}-t">{escape(title)}</title>',
             f'<desc id="{ident}-d">{escape("; ".join(f"{label}: {value}" for label, value in items))}</desc>']
    for i, (label, value) in enumerate(items):
        y = 4 + i * ROW
        w = max(1, round(span * value / top)) if value else 0
        shown = label if len(label) <= 44 else label[:43] + "…"
        parts.append(f'<g data-label="{escape(label)}" data-value="{value}">'
                     f'<text x="{LABEL - 8}" y="{y + 17}" text-anchor="end" class="usage-label">{escape(shown)}</text>'
                     f'<rect x="{LABEL}" y="{y + 3}" width="{w}" height="{ROW - 8}" rx="3" class="usage-bar"/>'
                     f'<text x="{LABEL + w + 6}" y="{y + 17}" class="usage-value">{value}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
