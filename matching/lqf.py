"""The Leadership Qualities Framework (LQF, 2012) as data: dimensions, elements and their codes."""

from __future__ import annotations

__all__ = ["DIMENSIONS", "ELEMENTS", "ELEMENT_CODES", "element_name"]

#: Dimension code -> dimension name, in framework order.
DIMENSIONS: dict[str, str] = {
    "PQ": "Demonstrating personal qualities",
    "WO": "Working with others",
    "MS": "Managing services",
    "IS": "Improving services",
    "SD": "Setting direction",
    "CV": "Creating the vision",
    "DS": "Delivering the strategy",
}

_ELEMENT_NAMES: dict[str, tuple[str, str, str, str]] = {
    "PQ": ("Developing self awareness", "Managing yourself",
           "Continuing personal development", "Acting with integrity"),
    "WO": ("Developing networks", "Building and maintaining relationships",
           "Encouraging contribution", "Working within teams"),
    "MS": ("Planning", "Managing resources", "Managing people", "Managing performance"),
    "IS": ("Ensuring the safety of people who use services", "Critically evaluating",
           "Encouraging improvement and innovation", "Facilitating transformation"),
    "SD": ("Identifying the contexts for change", "Applying knowledge and evidence",
           "Making decisions", "Evaluating impact"),
    "CV": ("Developing the vision for the organisation",
           "Influencing the vision of the wider social care system",
           "Communicating the vision", "Embodying the vision"),
    "DS": ("Framing the strategy", "Developing the strategy", "Implementing the strategy",
           "Embedding the strategy"),
}

#: Element code (``PQ1`` ... ``DS4``) -> element name, in the column order used everywhere.
ELEMENTS: dict[str, str] = {
    f"{dim}{k + 1}": name
    for dim in DIMENSIONS
    for k, name in enumerate(_ELEMENT_NAMES[dim])
}

#: The 28 element codes in order; column ``e`` of every LQF matrix is ``ELEMENT_CODES[e]``.
ELEMENT_CODES: tuple[str, ...] = tuple(ELEMENTS)


def element_name(code: str) -> str:
    """Return the name of an LQF element.

    Parameters
    ----------
    code : str
        Element code such as ``"MS2"``.

    Returns
    -------
    str
        The element name, e.g. ``"Managing resources"``.

    Raises
    ------
    ValueError
        If `code` is not one of the 28 element codes.
    """
    try:
        return ELEMENTS[code]
    except KeyError:
        raise ValueError(f"unknown LQF element code {code!r}") from None
