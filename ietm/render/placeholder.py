"""What stands in for an illustration that cannot be shown (missing, or in a format no browser reads): the
viewer's /icn route, the published bundle and the printed publication draw the same picture."""

from __future__ import annotations

from xml.sax.saxutils import escape


def placeholder_svg(lines: list[str]) -> str:
    """A plain picture that says in words why the illustration is not shown, naming the file."""
    text = "".join(
        f'<text x="300" y="{150 + 32 * i}" text-anchor="middle" font-size="{22 if i == 0 else 18}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 300" role="img" '
        f'aria-label="{escape(" ".join(lines), {chr(34): "&quot;"})}">'
        '<rect x="4" y="4" width="592" height="292" fill="#f4f4f4" stroke="#888" stroke-width="3" stroke-dasharray="12 8"/>'
        f'<g font-family="sans-serif" fill="#333">{text}</g></svg>'
    )
