"""The lead form's list of members (netapp/networks/page_forms.py ``PeopleSelect``) is the HTML
WTForms' own select gave, chosen option and all, and escapes whatever names people chose."""
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.widgets import Select

from netapp.networks.page_forms import LeadForm

PEOPLE = [SimpleNamespace(id=7, display_name="Ama <b>Owusu</b> & \"Co\""),
          SimpleNamespace(id=12, display_name="Siobhán O'Neill"),
          SimpleNamespace(id=3, display_name="Li Wei"),
          SimpleNamespace(id=40, display_name="")]


def _wtforms_select(field, **kwargs):
    return str(Select()(field, **kwargs))


@pytest.mark.parametrize("posted", [None, "", "12", "7", "999", "abc", "-1", "40"])
def test_the_members_select_is_the_html_wtforms_gave(app, posted):
    data = None if posted is None else MultiDict({"user_id": posted})
    with app.test_request_context():
        form = LeadForm(PEOPLE, formdata=data)
        if data is not None:
            form.validate()
        for attrs in ({}, {"aria-describedby": "user_id-error", "aria-invalid": "true"}):
            got = str(form.user_id(**attrs))
            assert got == _wtforms_select(form.user_id, **attrs)
            # What a reader sees: every person once, the chosen one (if any) marked.
            assert got.count("<option") == len(PEOPLE) + 1
            assert "<b>" not in got and "Ama &lt;b&gt;Owusu&lt;/b&gt; &amp; &#34;Co&#34;" in got
            assert got.count("selected") == (posted in (None, "", "abc", "12", "7", "40"))


def test_a_choice_not_on_the_list_is_refused_with_the_list_again(app):
    with app.test_request_context():
        form = LeadForm(PEOPLE[:2], formdata=MultiDict({"user_id": "3"}))
        assert not form.validate()
        assert form.user_id.errors == ["Choose a member of this network from the list."]
        html = str(form.user_id())
        assert 'value="3"' not in html and 'value="12">Siobhán O&#39;Neill</option>' in html
