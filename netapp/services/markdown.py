"""Members' Markdown (posts, stories) as safe HTML: a well-kept parser, then an allow-list.

Two layers, so a mistake in one is caught by the other. markdown-it-py parses CommonMark with
raw HTML turned off (a ``<script>`` typed in a post stays text) and refuses ``javascript:`` and
similar links; nh3 then keeps only the tags and attributes below, links only to http, https
and mailto addresses, each marked ``nofollow noopener ugc``. Images are not rendered at all: a
picture from another site would tell it who read the post and when.
"""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

__all__ = ["render", "ALLOWED_TAGS", "LINK_SCHEMES"]

ALLOWED_TAGS = frozenset({
    "p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4",
    "hr",
})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener ugc"

_parser = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
_parser.disable("image")


def _shift_headings(tokens) -> None:
    # A member's "# Title" must not become a second h1 on the page: the post sits under the
    # page's own h2, so its headings start at h3.
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2") else "h4"


# Texts whose HTML a process keeps. The HTML depends on the text alone, so an edited post is
# simply a new text: nothing to forget. Posts are at most 5,000 characters (stories longer but
# few), so this keeps some tens of MB per process at worst, and spares a page about 0.05 ms for
# each post shown again.
KEPT = 2048


def to_html(text: str) -> str:
    """Markdown to sanitised HTML, as a plain string (kept per process by the text)."""
    return _to_html(text or "")


@lru_cache(maxsize=KEPT)
def _to_html(text: str) -> str:
    tokens = _parser.parse(text)
    _shift_headings(tokens)
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        url_relative="deny",
        strip_comments=True,
    )


def render(text: str) -> Markup:
    """The Jinja filter ``markdown``: safe HTML for a member's Markdown."""
    return Markup(to_html(text))  # noqa: S704 (sanitised by nh3 just above)
