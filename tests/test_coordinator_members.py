"""The coordinator console's home page and members list, and the audit of staff looking at a
member's profile.

The rules, from the brief and docs/members.md: the list finds a member by a field only when the
member lets coordinators see that field (anything but "Only me"), shows nothing of a field they
keep to themselves, and never shows or filters on affinity networks. Asking for a mentor and being
in a set are the coordinators' own business and always count. Every look by staff at another
member's profile is in the audit log.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from netapp.coordinator import member_rows
from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    Element,
    IsolationScore,
    LearningSet,
    Profile,
    Region,
    SetMembership,
    SetStatus,
    Topic,
    User,
)
from netapp.services import lqf, profiles, reference
from tests.factories import make_user
from tests.profile_helpers import assess, council, give_profile, join, load_reference
from tests.statements import statements_per_page


def _element_id(index: int = 0) -> int:
    return [e for d in lqf.framework().dimensions for e in d.elements][index].id


def _region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def _topic_id(code: str) -> int:
    return db.session.scalar(sa.select(Topic.id).where(Topic.code == code))


def _put_in_set(user, status=SetStatus.ACTIVE, left=False) -> None:
    found = LearningSet(name=f"Set for {user.display_name}", status=status)
    db.session.add(found)
    db.session.flush()
    from netapp.models.base import utcnow
    db.session.add(SetMembership(set_id=found.id, user_id=user.id,
                                 left_at=utcnow() if left else None))
    db.session.commit()


def _isolation(user, score: int) -> None:
    db.session.merge(IsolationScore(user_id=user.id, score=score, parts={}))
    db.session.commit()


@pytest.fixture
def people(app, users):
    """Olga in Cornwall (South West): care home, level 3, strong in the first element, wants
    help with finance, asks for a mentor, in a set, isolation 80. Leo in Leeds: home care,
    level 2, nothing else, isolation 10."""
    load_reference()
    olga = make_user(name="Olga Owner", email="olga@care.example.org")
    give_profile(olga, "Cornwall", level=3, needs=("finance",))
    assess(olga, score_for=lambda i: 4 if i == 0 else 2)
    profiles.set_visibility(olga, {"lqf": profiles.COORDINATORS})  # "Only me" unless chosen
    db.session.get(Profile, olga.id).wants_mentor = True
    db.session.commit()
    _put_in_set(olga)
    _isolation(olga, 80)
    leo = make_user(name="Leo Leeds", email="leo@homes.example.org")
    give_profile(leo, "Leeds", level=2, needs=("leadership",))
    profiles.save_about(leo, display_name="Leo Leeds", job_title="Manager",
                        organisation_name="Leo Home Care", service_type=profiles.ServiceType
                        .HOME_CARE, local_authority_id=council("Leeds").id, level=2,
                        years_as_manager=3, meets_online=True)
    _isolation(leo, 10)
    for role in ("coordinator", "admin"):
        give_profile(users[role], "Leeds")
    return {"olga": olga, "leo": leo}


def _names(client, **query) -> set[str]:
    html = client.get("/coordinator/members", query_string=query).get_data(as_text=True)
    return {n for n in ("Olga Owner", "Leo Leeds") if n in html}


def _filters():
    return {
        "q=olga": ({"q": "olga"}, {"Olga Owner"}),
        "q=email part": ({"q": "homes.example"}, {"Leo Leeds"}),
        "region": ({"region": _region_id("South West")}, {"Olga Owner"}),
        "council": ({"council": council("Leeds").id}, {"Leo Leeds"}),
        "service type": ({"service_type": "home_care"}, {"Leo Leeds"}),
        "level": ({"level": 3}, {"Olga Owner"}),
        "strength": ({"strength": _element_id(0)}, {"Olga Owner"}),
        "no strength": ({"strength": _element_id(1)}, set()),
        "need": ({"need": _topic_id("finance")}, {"Olga Owner"}),
        "wants mentor": ({"wants_mentor": "y"}, {"Olga Owner"}),
        "in set": ({"in_set": "y"}, {"Olga Owner"}),
        "isolated": ({"isolation": "isolated"}, {"Olga Owner"}),
        "connected": ({"isolation": "connected"}, {"Leo Leeds"}),
        "some": ({"isolation": "some"}, set()),
    }


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_each_filter_finds_the_right_members(client, auth, users, people, role):
    auth.login(users[role].email)
    wrong = {name: (found, expected) for name, (query, expected) in _filters().items()
             if (found := _names(client, **query)) != expected}
    assert wrong == {}
    assert _names(client) == {"Olga Owner", "Leo Leeds"}


def test_a_set_left_or_not_published_does_not_count(client, auth, users, people):
    leo = people["leo"]
    _put_in_set(leo, left=True)
    _put_in_set(leo, status=SetStatus.DRAFT)
    auth.login(users["coordinator"].email)
    assert _names(client, in_set="y") == {"Olga Owner"}


# field -> (query that needs it, text the row shows only when seen)
HIDDEN = {
    "area": (lambda: {"region": _region_id("South West")}, "Cornwall, South West"),
    "organisation": (lambda: {"service_type": "care_home"}, "(care home)"),
    "level": (lambda: {"level": 3}, '<td data-label="Level">Operational leader</td>'),
    "needs": (lambda: {"need": _topic_id("finance")}, "Help with: Finance"),
    "lqf": (lambda: {"strength": _element_id(0)}, "Strong in: PQ1"),
}


@pytest.mark.parametrize("key", sorted(HIDDEN))
@pytest.mark.parametrize("audience", [profiles.EVERYONE, profiles.NETWORKS,
                                      profiles.COORDINATORS, profiles.ONLY_ME])
def test_a_field_shows_and_filters_only_where_coordinators_may_see_it(client, auth, users,
                                                                       people, key, audience):
    olga = people["olga"]
    profiles.set_visibility(olga, {key: audience})
    query, shown_as = HIDDEN[key]
    seen = audience != profiles.ONLY_ME
    auth.login(users["coordinator"].email)
    row = client.get("/coordinator/members?q=olga").get_data(as_text=True)
    assert "Olga Owner" in row
    assert (shown_as in row) is seen
    assert ("Olga Owner" in _names(client, **query())) is seen


def test_isolation_index_follows_the_area_choice(client, auth, users, people):
    profiles.set_visibility(people["olga"], {"area": profiles.ONLY_ME})
    auth.login(users["coordinator"].email)
    assert _names(client, isolation="isolated") == set()
    html = client.get("/coordinator/members?q=olga").get_data(as_text=True)
    assert '<td data-label="Isolation index">–</td>' in html
    assert '<td data-label="Area"><span class="hint">Not shared</span></td>' in html


def test_a_member_with_no_area_given_is_not_said_to_hide_it(client, auth, users, people):
    make_user(name="Nora Noprofile")
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/members?q=nora").get_data(as_text=True)
    assert "Nora Noprofile" in html
    assert '<td data-label="Area">–</td>' in html and "Not shared" not in html


def test_affinity_networks_never_show_or_filter(client, auth, users, people):
    join(people["olga"], "women")
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/members").get_data(as_text=True).lower()
    assert "women" not in html and "affinity" not in html
    assert client.get("/coordinator/members?network=women").status_code == 200


@pytest.mark.parametrize("query, message", [
    ({"region": "99999"}, "Choose a region from the list."),
    ({"council": "99999"}, "Choose a council from the list."),
    ({"service_type": "castle"}, "Choose a type of service from the list."),
    ({"level": "9"}, "Choose a level from the list."),
    ({"strength": "99999"}, "Choose an element of the framework from the list."),
    ({"need": "99999"}, "Choose a topic from the list."),
    ({"isolation": "lonely"}, "Choose a band of the isolation index from the list."),
    ({"q": "x" * 121}, "Use at most 120 letters."),
])
def test_bad_filters_say_what_to_fix_and_keep_what_was_typed(client, auth, users, people, query,
                                                              message):
    auth.login(users["coordinator"].email)
    response = client.get("/coordinator/members", query_string={"q": "olg", **query})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    typed = query.get("q", "olg")
    assert f'value="{typed}"' in html


def test_the_search_shows_each_choice_made(client, auth, users, people):
    """The selects' options are rendered once per process; each request marks its choices."""
    auth.login(users["coordinator"].email)
    leeds, finance, element = council("Leeds"), _topic_id("finance"), _element_id(0)
    html = client.get("/coordinator/members", query_string={
        "region": leeds.region_id, "council": leeds.id, "service_type": "care_home",
        "level": 2, "strength": element, "need": finance, "isolation": "some"}) \
        .get_data(as_text=True)
    for value in (leeds.region_id, leeds.id, "care_home", 2, element, finance, "some"):
        assert f'<option selected value="{value}">' in html, value
    assert html.count("<option selected") == 7
    html = client.get("/coordinator/members").get_data(as_text=True)
    assert f'<option value="{leeds.id}">Leeds</option>' in html
    assert '<option selected value="">Any council</option>' in html


def test_the_kept_search_form_offers_a_council_added_since(client, auth, users, people):
    """The form with no search is kept per process (netapp/kept_forms.py) until its selects'
    options change: a council added is offered at once."""
    from netapp.models import LocalAuthority

    auth.login(users["coordinator"].email)
    assert ">Newtown<" not in client.get("/coordinator/members").get_data(as_text=True)
    db.session.add(LocalAuthority(name="Newtown", region_id=council("Leeds").region_id))
    db.session.commit()
    html = client.get("/coordinator/members").get_data(as_text=True)
    assert f'<option value="{council("Newtown").id}">Newtown</option>' in html


def test_pages_keep_the_filters(app, client, auth, users, people):
    size = app.config["PAGE_SIZE"]
    for n in range(size + 1):
        user = make_user(name=f"Pat {n:02d}")
        db.session.add(Profile(user_id=user.id, wants_mentor=True, visibility={}))
    db.session.commit()
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/members?wants_mentor=y&q=pat").get_data(as_text=True)
    assert f"{size + 1} members" in html
    link = re.search(r'href="([^"]*page=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "wants_mentor=y" in link and "q=pat" in link
    second = client.get(link).get_data(as_text=True)
    assert f"Pat {size:02d}" in second and "Olga Owner" not in second
    # The count comes with the page's rows; a page past the end still says how many there are.
    past = client.get("/coordinator/members?wants_mentor=y&q=pat&page=9").get_data(as_text=True)
    assert f"{size + 1} members" in past and "Pat 00" not in past


def test_a_page_number_alone_is_no_search(app, client, auth, users, people):
    size = app.config["PAGE_SIZE"]
    for n in range(size + 1):
        make_user(name=f"Pat {n:02d}")
    auth.login(users["coordinator"].email)
    first = client.get("/coordinator/members").get_data(as_text=True)
    response = client.get("/coordinator/members?page=2")
    second = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Clear the search" not in second and 'rel="prev"' in second
    assert second.split("</form>")[0].split("<form")[1] == \
        first.split("</form>")[0].split("<form")[1]
    shown = set(re.findall(r">(Pat \d\d)</a>", first))
    assert shown and not shown & set(re.findall(r">(Pat \d\d)</a>", second))


def test_a_search_by_name_or_email_counts_each_member_once(client, auth, users, people):
    """A search by name or email alone is counted in two parts (found by name; by email
    alone): someone found by both counts once, and a closed account not at all."""
    make_user(name="Sam SMITH", email="sam@example.org")  # by name, any case
    make_user(name="Jo Bloggs", email="smith.jo@example.org")  # by email alone
    make_user(name="Ann Smith", email="ann.smith@example.org")  # by both
    make_user(name="Old Smith", email="old.smith@example.org", active=False)
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/members?q=Smith").get_data(as_text=True)
    assert ">3 members<" in html
    assert all(name in html for name in ("Sam SMITH", "Jo Bloggs", "Ann Smith"))
    assert "Old Smith" not in html
    filtered = client.get("/coordinator/members?q=smith&wants_mentor=y").get_data(as_text=True)
    assert "No members found" in filtered


def test_the_count_of_everyone_is_kept_a_minute_and_says_when_it_was_counted(app, client, auth,
                                                                            users, people):
    """With no search a process counts every member at most once a minute (as the dashboard
    keeps its figures) and says when; the list itself, and any search's count, are live."""
    app.config["MEMBERS_COUNT_KEEP_FOR"] = 60
    auth.login(users["coordinator"].email)
    everyone = db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                 .where(User.is_active_account.is_(True)))
    first = client.get("/coordinator/members").get_data(as_text=True)
    assert f"{everyone} members" in first and "Counted at " in first
    make_user(name="Aaron Added")
    again = client.get("/coordinator/members").get_data(as_text=True)
    assert f"{everyone} members" in again and "Aaron Added" in again
    assert "Counted at " in again
    searched = client.get("/coordinator/members?q=a").get_data(as_text=True)
    live = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.is_active_account.is_(True), sa.or_(User.display_name.ilike("%a%"),
                                                 User.email.ilike("%a%"))))
    assert f"{live} members" in searched and "Counted at" not in searched
    app.config["MEMBERS_COUNT_KEEP_FOR"] = 0
    now = client.get("/coordinator/members").get_data(as_text=True)
    assert f"{everyone + 1} members" in now and "Counted at" not in now


def test_each_row_shows_that_members_own_needs_and_strengths(client, auth, users, people):
    """Needs and strengths come with the page's one statement: each row holds its own
    member's, the needs in the site's order and the strengths in the framework's."""
    leo = people["leo"]
    profiles.save_needs(leo, [_topic_id("finance"), _topic_id("people_management")])
    assess(leo, score_for=lambda i: 4 if i in (3, 1) else 1)
    profiles.set_visibility(leo, {"lqf": profiles.COORDINATORS})
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/members").get_data(as_text=True)
    rows = {name: html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
            for name in ("Olga Owner", "Leo Leeds")}
    codes = [e.code for d in lqf.framework().dimensions for e in d.elements]
    assert (f"Help with: People management, Finance and budgets<br>Strong in: {codes[1]}, "
            f"{codes[3]}") in rows["Leo Leeds"]
    assert f"Help with: Finance and budgets<br>Strong in: {codes[0]}<" in rows["Olga Owner"]


def _row_of(html: str, name: str) -> str:
    """The table row naming ``name`` (a linked name), up to its end."""
    return html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]


def test_a_kept_row_shows_every_change_at_once(app, client, auth, users, people, monkeypatch):
    """A process keeps each row's HTML by the values read for it: a row read again unchanged
    is not written again, and any change to the member, or to a topic's or an element's name,
    shows on the next page."""
    olga = people["olga"]
    auth.login(users["coordinator"].email)
    first = client.get("/coordinator/members").get_data(as_text=True)
    row = _row_of(first, "Olga Owner")
    assert "Cornwall, South West" in row and "Help with: Finance and budgets" in row
    assert ">80<" in row and "Asking for a mentor, In a set" in row
    written = []
    real = member_rows._row_html
    monkeypatch.setattr(member_rows, "_row_html",
                        lambda r, *args: written.append(r.name) or real(r, *args))
    again = client.get("/coordinator/members").get_data(as_text=True)
    assert written == []
    assert again.split("<tbody>")[1].split("</tbody>")[0] == \
        first.split("<tbody>")[1].split("</tbody>")[0]

    def olga_row() -> str:
        return _row_of(client.get("/coordinator/members").get_data(as_text=True), "Olga Owner")

    profiles.save_needs(olga, [_topic_id("digital")])
    assert "Help with: Digital records and technology" in olga_row()
    assert written == ["Olga Owner"]  # only the changed row is written again
    _isolation(olga, 30)
    assert ">30<" in olga_row()
    profiles.set_visibility(olga, {"area": profiles.ONLY_ME})
    assert "Not shared" in olga_row() and "Cornwall" not in olga_row()
    topic = db.session.get(Topic, _topic_id("digital"))
    topic.name = "Going digital"
    db.session.commit()
    assert "Help with: Going digital" in olga_row()
    element = db.session.get(Element, _element_id(0))
    element.code = "ZZ9"
    db.session.commit()
    assert "Strong in: ZZ9<" in olga_row()
    db.session.get(User, olga.id).display_name = "Olga Renamed"
    db.session.commit()
    html = client.get("/coordinator/members").get_data(as_text=True)
    assert ">Olga Renamed</a>" in html and ">Olga Owner<" not in html


def test_a_row_naming_a_topic_the_process_has_not_read_shows_it_once_read(
        app, client, auth, users, people, monkeypatch):
    """A topic added behind the process's back (another process, or by hand) is named as soon
    as the process reads the topics again: a row written without its name is not kept."""
    auth.login(users["coordinator"].email)
    client.get("/coordinator/members")  # the process reads the topics
    db.session.execute(sa.text(
        "INSERT INTO topics (code, name, is_support_area, position) "
        "VALUES ('by_hand', 'Added by hand', false, 99)"))
    db.session.commit()
    profiles.save_needs(people["olga"], [_topic_id("by_hand")])
    monkeypatch.setattr(reference, "RELOAD_AFTER", 3600.0)  # the copy held for now
    client.get("/coordinator/members")
    monkeypatch.setattr(reference, "RELOAD_AFTER", 0.0)  # read again when it lacks one
    row = _row_of(client.get("/coordinator/members").get_data(as_text=True), "Olga Owner")
    assert "Help with: Added by hand" in row


def test_a_row_names_its_council_from_the_process_copy_and_a_new_one_at_once(
        app, client, auth, users, people, monkeypatch):
    """Rows name a member's council and region from the process's copy of places: a council
    renamed shows on the next page, and one added behind the process's back (another process,
    or by hand) is named even while the process still holds a copy without it."""
    from netapp.models import LocalAuthority

    olga = people["olga"]
    auth.login(users["coordinator"].email)

    def olga_row() -> str:
        return _row_of(client.get("/coordinator/members").get_data(as_text=True), "Olga Owner")

    assert "Cornwall, South West" in olga_row()
    db.session.get(LocalAuthority, council("Cornwall").id).name = "Kernow"
    db.session.commit()
    assert "Kernow, South West" in olga_row() and "Cornwall" not in olga_row()
    db.session.execute(sa.text(
        "INSERT INTO local_authorities (name, region_id) VALUES ('Newtown', :region)"),
        {"region": _region_id("South West")})
    db.session.commit()
    monkeypatch.setattr(reference, "RELOAD_AFTER", 3600.0)  # the copy held for now
    db.session.execute(sa.update(Profile).where(Profile.user_id == olga.id)
                       .values(local_authority_id=council("Newtown").id))
    db.session.commit()
    assert "Newtown, South West" in olga_row()
    assert "Newtown, South West" in olga_row()  # and again, the row not kept without it


def test_each_row_links_to_the_profile_and_the_look_is_audited(client, auth, users, people):
    olga = people["olga"]
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/members?q=olga").get_data(as_text=True)
    assert f'href="/members/{olga.id}"' in html
    assert client.get(f"/members/{olga.id}").status_code == 200
    entries = db.session.scalars(sa.select(AuditEntry)
                                 .where(AuditEntry.action == "profile.viewed_by_staff")).all()
    assert [(e.actor_id, e.target_type, e.target_id) for e in entries] == [
        (users["coordinator"].id, "User", str(olga.id))]


@pytest.mark.parametrize("role, audited", [("admin", True), ("member", False),
                                           ("mentor", False)])
def test_only_staff_looks_are_audited(client, auth, users, people, role, audited):
    auth.login(users[role].email)
    assert client.get(f"/members/{people['leo'].id}").status_code == 200
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "profile.viewed_by_staff"))
    assert count == (1 if audited else 0)


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_a_staff_look_at_no_open_account_is_404_and_not_audited(client, auth, users, people,
                                                                 role):
    leo = people["leo"]
    leo.is_active_account = False
    db.session.commit()
    auth.login(users[role].email)
    assert client.get(f"/members/{leo.id}").status_code == 404
    assert client.get("/members/999999").status_code == 404
    assert client.get(f"/members/{people['olga'].id}").status_code == 200
    entries = db.session.execute(sa.select(AuditEntry.actor_id, AuditEntry.target_id)
                                 .where(AuditEntry.action == "profile.viewed_by_staff")).all()
    assert entries == [(users[role].id, str(people["olga"].id))]


def test_the_console_menu_links_to_each_part(client, auth, users):
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/").get_data(as_text=True)
    for path in ("/coordinator/members", "/mentoring/rounds", "/networks/isolation",
                 "/coordinator/export/members.csv", "/coordinator/export/matches.csv",
                 "/coordinator/export/sets.csv", "/coordinator/export/events.csv",
                 "/coordinator/export/attendance.csv"):
        assert f'href="{path}' in html, path
    nav = client.get("/coordinator/").get_data(as_text=True).split('<nav aria-label="Main">')[1]
    assert 'href="/coordinator/">Console</a>' in nav.split("</nav>")[0]


def test_members_see_no_console_link(client, auth, users):
    auth.login(users["member"].email)
    assert "Console" not in client.get("/home").get_data(as_text=True)
    assert client.get("/coordinator/").status_code == 403


def test_pages_run_a_fixed_number_of_statements(client, auth, users, people):
    counts = []
    for extra in (2, 12):
        for _ in range(extra):
            user = make_user()
            give_profile(user, "Leeds", needs=("finance",))
            assess(user, score_for=lambda i: 4)
            profiles.set_visibility(user, {"lqf": profiles.EVERYONE, "needs": profiles.EVERYONE})
            _put_in_set(user)
            _isolation(user, 75)
        auth.login(users["coordinator"].email)
        paths = ["/coordinator/", "/coordinator/members",
                 f"/coordinator/members?need={_topic_id('finance')}&isolation=isolated",
                 f"/coordinator/members?strength={_element_id(0)}&in_set=y"]
        statements_per_page(client, paths)  # warm-up: what a serving process has cached
        counts.append(statements_per_page(client, paths))
        auth.logout()
    assert counts[0] == counts[1]

