"""Rules for text people type: no hidden characters, and names that are names."""
from __future__ import annotations

import re
import unicodedata

__all__ = ["display_name_problem", "hidden_character_problem", "normalise_display_name"]

# Characters that reorder how text is shown (bidirectional embeddings, overrides and isolates):
# "txt.exe" can be made to read "exe.txt", or a name made to look like someone else's.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line and paragraph separators act as line breaks in email headers and logs.
LINE_SEPARATORS = frozenset("\u2028\u2029")
# Joiners are part of correct spelling in several scripts (Persian, Hindi, Malayalam), so a
# name may keep them; every other invisible formatting character is refused in names.
JOINERS = frozenset("\u200c\u200d")

HIDDEN_MESSAGE = ("This has a hidden control character in it, often copied along with text "
                  "from another app. Please type it again.")
NAME_HIDDEN_MESSAGE = ("Your name has a hidden formatting character in it, often copied along "
                       "with text from another app. Please type it again.")
NAME_RESERVED_MESSAGE = ("Please use your own name. Words like “Admin” and “Coordinator” are kept "
                         "for the roles the site shows next to people's names itself.")
NAME_EMPTY_MESSAGE = "Tell us your name."

# Words for staff roles: a member called "Alex Admin" could pass for one. Kept short on purpose:
# only words that are never someone's real name, matched as whole words.
RESERVED_WORDS = frozenset({"admin", "administrator", "sysadmin", "coordinator", "moderator",
                            "webmaster", "superuser"})

# Look-alikes folded before comparing with the reserved words: digits and symbols that pass for
# letters, and the Cyrillic and Greek letters that look exactly like Latin ones. This is not a
# full confusables table; it catches the easy tricks ("Adm1n", "Аdmin" with a Cyrillic A).
_LOOKALIKES = str.maketrans({
    "0": "o", "1": "i", "l": "i", "|": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s",
    "$": "s", "7": "t", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "ј": "j", "ԁ": "d", "ѕ": "s", "м": "m", "т": "t", "н": "h", "в": "b", "к": "k",
    "ɑ": "a", "ο": "o", "α": "a", "ν": "v", "ι": "i", "τ": "t", "ρ": "p", "κ": "k", "μ": "m",
    "ı": "i",
})


def _hidden(ch: str, *, multiline: bool) -> bool:
    if multiline and ch in "\t\r\n":
        return False
    return unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS or ch in LINE_SEPARATORS


def hidden_character_problem(text: str, *, multiline: bool = False) -> str | None:
    """Say what is wrong if ``text`` holds control characters (NUL included), else None.

    Tabs and line breaks are allowed only where the field is meant to hold several lines.
    """
    if any(_hidden(ch, multiline=multiline) for ch in text):
        return HIDDEN_MESSAGE
    return None


def normalise_display_name(name: str) -> str:
    """One canonical spelling: NFC, trimmed, runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _skeleton(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch) and ch not in JOINERS)
    return folded.translate(_LOOKALIKES).replace("rn", "m")


def _words(name: str) -> list[str]:
    # "AlexAdmin" is two words; so are "Alex-Admin" and "Alex.Admin".
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[\s\-_.,;:'\"()\[\]{}/\\+&*#~^=<>?]+", spaced) if w]


def _is_reserved(name: str) -> bool:
    words = [_skeleton(w) for w in _words(name)]
    reserved = {_skeleton(w) for w in RESERVED_WORDS}
    # Runs of words count too: "Co-ordinator" and "A d m i n" spell a reserved word.
    return any("".join(words[i:j]) in reserved
               for i in range(len(words)) for j in range(i + 1, len(words) + 1))


def display_name_problem(name: str) -> str | None:
    """Say what is wrong with ``name`` as someone's display name, else None.

    Hidden characters are refused with a message rather than quietly removed, so nobody ends up
    with a name other than the one they typed.
    """
    for ch in name:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp") or (category == "Cf" and ch not in JOINERS):
            return NAME_HIDDEN_MESSAGE
    if not normalise_display_name(name):
        return NAME_EMPTY_MESSAGE
    if _is_reserved(name):
        return NAME_RESERVED_MESSAGE
    return None
