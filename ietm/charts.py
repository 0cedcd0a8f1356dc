"""Plain SVG charts drawn on the server: nothing to load in the browser, printable, readable without scripts.

A chart is an `<svg role="img">` with a `<title>` and a `<desc>` that says the numbers in words, so a screen reader
gets what the bars show; the page puts the same figures in a table beside it.
"""

from __future__ import annotations

from typing import Callable, Sequence

from markupsafe import Markup, escape

ROW = 26
LABEL = 300
WIDTH = 720


def bars(items: Sequence[tuple[str, float]], title: str, ident: str, *, show: Callable[[float], str] = str,
         notes: Sequence[str] | None = None) -> Markup:
    """Horizontal bars, one per (label, value), in the order given; an empty list draws nothing.

    `show` writes a value as the page does (a quantity's unit rules); `notes`, one per bar, become the bars'
    tooltips when a label alone does not say what the bar is.
    """
    if not items:
        return Markup("")
    top = max(v for _, v in items) or 1
    span = WIDTH - LABEL - 60
    height = ROW * len(items) + 8
    parts = [f'<svg class="bar-chart" role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" data-chart="{ident}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{ident}-t">{escape(title)}</title>',
             f'<desc id="{ident}-d">{escape("; ".join(f"{label}: {show(value)}" for label, value in items))}</desc>']
    for i, (label, value) in enumerate(items):
        y = 4 + i * ROW
        w = max(1, round(span * value / top)) if value else 0
        shown = label if len(label) <= 44 else label[:43] + "…"
        note = f"<title>{escape(notes[i])}</title>" if notes else ""
        parts.append(f'<g data-label="{escape(label)}" data-value="{value}">'
                     f'<text x="{LABEL - 8}" y="{y + 17}" text-anchor="end">{escape(shown)}</text>'
                     f'<rect x="{LABEL}" y="{y + 3}" width="{w}" height="{ROW - 8}" rx="3" class="bar">{note}</rect>'
                     f'<text x="{LABEL + w + 6}" y="{y + 17}">{escape(show(value))}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
