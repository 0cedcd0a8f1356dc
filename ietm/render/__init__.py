"""Rendering S1000D objects to HTML: pure functions of a RenderContext, shared by `serve` and `publish`."""

from ietm.render.context import Links, RenderContext

__all__ = ["Links", "RenderContext"]
