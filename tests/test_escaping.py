"""netapp/escaping.py writes exactly what markupsafe.escape writes, for whatever members type."""
import pytest
from markupsafe import Markup, escape

from netapp.escaping import escaped
from netapp.models import ServiceType


@pytest.mark.parametrize("value", [
    "", "Sam Member", "Ann \"<Bold>\" O'Neil & Co", "<script>alert('x')</script>",
    "&amp; already", "Zoë Ōkubo — café", "\u202eevil", 0, 42, None, 1.5,
    ServiceType.CARE_HOME, Markup("<b>kept</b>"),
])
def test_escaped_is_markupsafe_escape_as_text(value):
    assert escaped(value) == str(escape(value))
    assert type(escaped(value)) is str or isinstance(value, Markup)


def test_markup_is_left_as_it_is_and_text_is_not():
    assert escaped(Markup("<em>x</em>")) == "<em>x</em>"
    assert escaped("<em>x</em>") == "&lt;em&gt;x&lt;/em&gt;"
