"""The lead form: its list of members (netapp/networks/page_forms.py ``PeopleSelect``) is the HTML
WTForms' own select gave, chosen option and all, and escapes whatever names people chose; a
network of thousands offers the first by name and a search for the others, and accepts
anyone who may lead."""
import html
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from wtforms.widgets import Select

from netapp.extensions import db
from netapp.models import NetworkLead, NetworkMembership, User
from netapp.networks.page_forms import LeadForm
from netapp.services import networks, profiles
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, join, load_reference
from tests.statements import statements_per_page

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


# ------------------------------------------------------------------ a network of thousands
# A network may hold thousands of members: its page offers the first LEADS_SHOWN by name and a
# search by name for the rest, and accepts anyone who may lead, offered or not.


def _options(page: str) -> list[str]:
    """The lead list's words, in order; the chosen one marked with a star (before anyone is
    chosen, "Choose a member")."""
    select = re.search(r'<select [^>]*id="user_id".*?</select>', page, re.S).group(0)
    return [("*" if selected else "") + html.unescape(words) for selected, words in
            re.findall(r'<option (selected )?value="\d*">([^<]*)</option>', select)]


def _add_members(network, count: int, listed: bool = False) -> list:
    """``count`` confirmed members named "Member 000" on, and a closed and an unconfirmed one
    whose names would come among them."""
    people = [make_user(name=f"Member {n:03}") for n in range(count)]
    people.append(make_user(name="Member 050 Gone", active=False))
    people.append(make_user(name="Member 050 New", verified=False))
    db.session.add_all(NetworkMembership(network_id=network.id, user_id=p.id, is_listed=listed)
                       for p in people)
    db.session.commit()
    return people


def _who_may_lead(network, listed_only: bool) -> list[str]:
    """The rules written out: the network's confirmed, open members who do not lead it (of an
    affinity network, those listed), by name."""
    leads = {lead.user_id for lead in db.session.scalars(
        sa.select(NetworkLead).where(NetworkLead.network_id == network.id))}
    return sorted(user.display_name for membership, user in db.session.execute(
        sa.select(NetworkMembership, User).join(User, User.id == NetworkMembership.user_id)
        .where(NetworkMembership.network_id == network.id))
        if user.is_active_account and user.email_verified_at and user.id not in leads
        and (membership.is_listed or not listed_only))


@pytest.fixture
def leeds(users):
    """Leeds' local network with the member, the coordinator and the admin in it."""
    load_reference()
    for role in ("member", "coordinator", "admin"):
        give_profile(users[role], "Leeds")
    return networks.by_code(networks.local_network_code(council("Leeds").id))


def test_a_large_local_network_offers_the_first_hundred_and_a_search_for_the_rest(
        client, auth, users, leeds):
    auth.login(users["coordinator"].email)
    page_url, find_url = f"/networks/{leeds.id}", f"/networks/{leeds.id}/leads/find"
    small = client.get(page_url).get_data(as_text=True)
    assert _options(small) == ["*Choose a member"] + _who_may_lead(leeds, False)
    assert 'id="lead-name"' not in small  # all are offered: nothing to search
    statements = statements_per_page(client, [page_url, find_url + "?name=ember"])

    people = _add_members(leeds, 105)
    page = client.get(page_url).get_data(as_text=True)
    everyone = _who_may_lead(leeds, False)
    assert len(everyone) == 108 and "Member 050 Gone" not in everyone
    assert _options(page) == ["*Choose a member"] + everyone[:networks.LEADS_SHOWN]
    assert 'role="search"' in page and 'id="lead-name"' in page
    assert "The list shows up to 100 people at a time." in page
    # The same statements whatever the network's size.
    assert statements_per_page(client, [page_url, find_url + "?name=ember"]) == statements

    # Someone past the first hundred is accepted.
    assert client.post(f"/networks/{leeds.id}/leads",
                       data={"user_id": people[104].id}).status_code == 302
    assert networks.is_lead(people[104].id, leeds.id)
    # A closed account, an unconfirmed one or a lead is refused, with the list again.
    for refused in (people[105], people[106], people[104]):
        response = client.post(f"/networks/{leeds.id}/leads", data={"user_id": refused.id})
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "Choose a member of this network from the list." in text
        assert _options(text) == ["Choose a member"] + everyone[:networks.LEADS_SHOWN]
    # The one chosen is offered in their place by name, past the first hundred or not.
    chosen = networks.lead_candidates(leeds, users["coordinator"], keep=people[103].id)
    names = [person.display_name for person in chosen.people]
    assert names == everyone[:networks.LEADS_SHOWN] + ["Member 103"]
    assert chosen.kept.id == people[103].id and chosen.more and chosen.found == 100
    chosen = networks.lead_candidates(leeds, users["coordinator"], keep=people[3].id)
    assert [person.display_name for person in chosen.people] == everyone[:networks.LEADS_SHOWN]
    assert networks.lead_candidates(leeds, users["coordinator"], keep=people[105].id).kept is None

    # The search: those whose name holds it, never a closed account or a lead.
    found = client.get(find_url + "?name=BER+10").get_data(as_text=True)
    assert _options(found) == ["*Choose a member", "Member 100", "Member 101", "Member 102",
                               "Member 103"]
    assert "4 members have &ldquo;BER 10&rdquo; in their name." in found
    assert f'action="/networks/{leeds.id}/leads"' in found and 'value="BER 10"' in found
    assert _options(client.get(find_url + "?name=050").get_data(as_text=True)) == [
        "*Choose a member", "Member 050"]
    assert "Showing the first 100 by name with &ldquo;ember&rdquo;" in client.get(
        find_url + "?name=ember").get_data(as_text=True)
    nothing = client.get(find_url + "?name=%25_zz").get_data(as_text=True)
    assert "No member you could appoint has &ldquo;%_zz&rdquo; in their name." in nothing
    assert 'id="user_id"' not in nothing
    # A mistake on the search's page comes back to it, with its search and its list.
    response = client.post(f"/networks/{leeds.id}/leads",
                           data={"user_id": "", "name": "BER 10"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Choose a member to appoint." in text and 'value="BER 10"' in text
    assert _options(text) == _options(found)
    # Appointing from the search's list.
    assert client.post(f"/networks/{leeds.id}/leads",
                       data={"user_id": people[101].id}).status_code == 302
    assert networks.is_lead(people[101].id, leeds.id)


def test_a_search_for_an_affinity_networks_lead_finds_listed_members_only(
        client, auth, users):
    load_reference()
    bame = networks.by_code("bame")
    lead = users["member"]
    join(lead, "bame")
    db.session.add(NetworkLead(network_id=bame.id, user_id=lead.id))
    db.session.commit()
    people = _add_members(bame, 101, listed=True)
    hidden = make_user(name="Member 100 Hidden")
    join(hidden, "bame")  # not listed

    auth.login(lead.email)
    page = client.get(f"/networks/{bame.id}").get_data(as_text=True)
    listed = _who_may_lead(bame, True)
    assert len(listed) == 101 and "Member 100 Hidden" not in listed
    assert _options(page) == ["*Choose a member"] + listed[:networks.LEADS_SHOWN]
    found = client.get(f"/networks/{bame.id}/leads/find?name=member+100").get_data(as_text=True)
    assert _options(found) == ["*Choose a member", "Member 100"] and "Hidden" not in found
    response = client.post(f"/networks/{bame.id}/leads", data={"user_id": hidden.id})
    assert response.status_code == 400 and "Hidden" not in response.get_data(as_text=True)
    assert client.post(f"/networks/{bame.id}/leads",
                       data={"user_id": people[100].id}).status_code == 302
    assert networks.is_lead(people[100].id, bame.id)

    # Nobody else may search it: members get a 404, as staff outside it do.
    for role in ("other_member", "coordinator", "admin"):
        if role == "other_member":
            join(users[role], "bame")
        auth.logout()
        auth.login(users[role].email)
        assert client.get(f"/networks/{bame.id}/leads/find?name=member").status_code == 404


def test_only_staff_search_a_local_networks_members_to_appoint(client, auth, users, leeds):
    for role in ("member", "mentor"):
        auth.logout()
        auth.login(users[role].email)
        assert client.get(f"/networks/{leeds.id}/leads/find?name=a").status_code == 403


def test_a_local_networks_page_offers_the_members_lead_candidates_gives(client, auth, users,
                                                                        leeds):
    """The page reads its lead form's members with its people; ``lead_candidates`` is the rule
    (each council-area choice, a lead, a closed and an unconfirmed account)."""
    people = _add_members(leeds, 6)
    for person, area in zip(people[:4], ("me", "coordinators", "networks", "everyone"),
                            strict=True):
        give_profile(person, "Leeds")
        profiles.set_visibility(person, {"area": area})
    networks.appoint_lead(None, leeds, people[5])
    auth.login(users["coordinator"].email)
    page = client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    rule = networks.lead_candidates(leeds, users["coordinator"])
    assert _options(page) == ["*Choose a member"] + [p.display_name for p in rule.people]
    offered = set(_options(page))
    assert "Member 000" not in offered and "Member 005" not in offered
    assert "Member 001" in offered and "Member 050 New" not in offered
