"""Where the app may send a browser next: only paths on this site, read as browsers read them."""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

__all__ = ["safe_next_path"]


def _looks_local(text: str) -> bool:
    # Browsers (the WHATWG URL standard) read "\" as "/" and drop tabs and line breaks anywhere,
    # so "/\evil.example" and "/\t/evil.example" both mean "//evil.example": another site.
    # Rather than copy that parser, refuse anything it would rewrite: backslashes, whitespace
    # and control characters, then a leading "//" or any scheme or host.
    if "\\" in text:
        return False
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        return False
    if not text.startswith("/") or text.startswith("//"):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def safe_next_path(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None.

    The same checks run on the percent-decoded form too, so a proxy or browser that decodes
    "%5C" or "%2F" before following the link still lands on this site.
    """
    if not target or len(target) > 2000:
        return None
    if _looks_local(target) and _looks_local(unquote(target)):
        return target
    return None
