"""One source of LQF element names: the app's framework data reads them from ``matching``."""

from pathlib import Path

from matching.lqf import DIMENSIONS, ELEMENT_CODES, ELEMENTS
from netapp.data.lqf import LQF


def test_app_framework_names_are_the_engines():
    dims = LQF["dimensions"]
    assert [(code, name) for code, name, *_ in dims] == list(DIMENSIONS.items())
    codes = [f"{code}{k + 1}" for code, *_, elements in dims for k in range(len(elements))]
    assert codes == list(ELEMENT_CODES)
    names = [name for *_, elements in dims for name, _ in elements]
    assert names == [ELEMENTS[c] for c in ELEMENT_CODES]


def test_element_names_are_written_once():
    """The app's data file does not spell the names again (a second copy could drift)."""
    text = (Path(__file__).resolve().parents[1] / "netapp" / "data" / "lqf.py").read_text()
    spelt = [name for name in ELEMENTS.values() if f'"{name}"' in text]
    assert spelt == []
