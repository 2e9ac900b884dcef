"""HTML escaping for lists written out in Python (the members list's rows, the directory's
cards): the same text as ``markupsafe.escape``, as a plain string.

``markupsafe.escape`` builds a ``Markup`` for every value, most of its cost (about a
microsecond a value here); a page of 25 rows or cards escapes two hundred values or so.
"""
from __future__ import annotations

__all__ = ["escaped"]


def escaped(value) -> str:
    """``str(markupsafe.escape(value))``: ``&``, ``<``, ``>``, ``'`` and ``"`` replaced as
    markupsafe replaces them, and anything that is already HTML (has ``__html__``) as it is."""
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return (str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))
