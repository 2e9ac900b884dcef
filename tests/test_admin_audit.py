"""The audit log in plain words: a phrase for every action, filters, and the counts kept apart."""
from __future__ import annotations

import ast
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, MentoringRound, User
from netapp.services import audit, audit_words
from netapp.services.audit_words import PHRASES, SPECIAL_PHRASES, sentence
from tests.factories import make_user
from tests.statements import count_statements, statements_per_page

NETAPP = Path(__file__).resolve().parents[1] / "netapp"
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")

# Calls whose action is not written where the call is: the function that builds it, and every
# action it can produce. A new call like these fails the scan until it is listed here.
DYNAMIC = {
    ("services/accounts.py", "set_password"): {"account.password_changed"},
    ("services/networks.py", "_audit_lead"): {"network.lead_appointed", "network.lead_removed",
                                              "affinity_lead.appointed", "affinity_lead.removed"},
    ("services/mentoring.py", "flag_stale_offers"): {"mentoring.offer_stale"},
    ("services/mentoring_rounds.py", "add_rule"): {"round.pair_locked",
                                                        "round.pair_forbidden"},
    ("coordinator/exports.py", "_send"): {"export.members", "export.matches", "export.sets",
                                          "export.events", "export.attendance"},
}
# Helpers that pass their ``action`` argument on to audit.record: their callers name it.
HELPERS = {"_audit"}


def _strings(node: ast.AST) -> list[str] | None:
    """The action strings an argument can be, or None when it is not written there."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        a, b = _strings(node.body), _strings(node.orelse)
        return a + b if a is not None and b is not None else None
    return None


def _action_arg(call: ast.Call, name: str) -> ast.AST | None:
    keyword = next((k.value for k in call.keywords if k.arg == "action"), None)
    if keyword is not None:
        return keyword
    if name == "record_special":
        return call.args[0] if call.args else None
    if name in ("record", "entries_for_many"):
        return call.args[1] if len(call.args) > 1 else None
    # a helper: its first argument that is (or may be) an action string
    for arg in call.args:
        found = _strings(arg)
        if found and all(ACTION.match(s) for s in found):
            return arg
    return next((a for a in call.args if isinstance(a, (ast.Name, ast.JoinedStr))), None)


def recorded_actions() -> tuple[set[str], set[tuple[str, str]]]:
    """Every action recorded anywhere in netapp/, and the (file, function) of dynamic calls."""
    actions: set[str] = set()
    dynamic: set[tuple[str, str]] = set()
    for path in sorted(NETAPP.rglob("*.py")):
        rel = path.relative_to(NETAPP).as_posix()
        if rel == "services/audit.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(func):
                if not isinstance(call, ast.Call):
                    continue
                f = call.func
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                        and f.value.id == "audit" \
                        and f.attr in ("record", "record_special", "entries_for_many"):
                    name = f.attr
                elif isinstance(f, ast.Name) and f.id in HELPERS:
                    name = f.id
                elif isinstance(f, ast.Attribute) and f.attr == "set_password" \
                        and any(k.arg == "action" for k in call.keywords):
                    name = "set_password"
                else:
                    continue
                arg = _action_arg(call, name)
                found = _strings(arg) if arg is not None else None
                if found is not None:
                    actions.update(found)
                elif func.name not in HELPERS:  # a helper passes its caller's action on
                    dynamic.add((rel, func.name))
    return actions, dynamic


def test_every_action_recorded_anywhere_has_a_phrase():
    actions, dynamic = recorded_actions()
    assert len(actions) > 60  # the scan reads the real calls
    unknown_dynamic = dynamic - DYNAMIC.keys()
    assert not unknown_dynamic, (
        "these functions record an action built at run time: list what they can record in "
        f"DYNAMIC: {sorted(unknown_dynamic)}")
    for key in DYNAMIC.keys() & dynamic:
        actions |= DYNAMIC[key]
    missing = sorted(a for a in actions if a not in PHRASES and a not in SPECIAL_PHRASES)
    assert not missing, f"add a phrase to netapp/services/audit_words.py for {missing}"
    assert set(SPECIAL_PHRASES) == audit.SPECIAL_CATEGORY


def test_the_scan_catches_an_action_with_no_phrase():
    """The control: a call the scan must read, in the shapes the app uses."""
    source = ('def f(u, ok):\n'
              '    audit.record(u, "made.up" if ok else "also.made_up", u)\n'
              '    audit.record_special("consent.given")\n'
              '    _audit(u, "third.one", None)\n'
              '    audit.entries_for_many(u.id, "fourth.one", "User", [u.id])\n')
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", getattr(n.func, "id", "")) in (
                 "record", "record_special", "_audit", "entries_for_many")]
    found = set()
    for call in calls:
        name = getattr(call.func, "attr", getattr(call.func, "id", ""))
        found |= set(_strings(_action_arg(call, name)) or [])
    assert found == {"made.up", "also.made_up", "consent.given", "third.one", "fourth.one"}


def test_every_phrase_has_a_known_group_and_fills_in(app, users):
    admin, member = users["admin"], users["member"]
    for action, p in PHRASES.items():
        assert p.group in audit_words.GROUPS, action
        fields = audit_words._fields(p.text)
        assert fields <= {"actor", "target"} | _DETAIL_KEYS, (action, fields)
        entry = AuditEntry(action=action, actor=admin, target_type="User",
                           target_id=str(member.id), detail=dict.fromkeys(_DETAIL_KEYS, 3))
        words = sentence(entry, {member.id: member.display_name, 3: "Tess Third"})
        assert not words.endswith(f": {action}"), (action, words)  # not the fallback
        assert "{" not in words and "None" not in words, (action, words)


_DETAIL_KEYS = {"role", "capacity", "status", "met_on", "day", "outcome", "name", "mentee_id",
                "mentor_id", "offers", "came", "members", "user_id", "facilitator_id", "sets",
                "network", "count", "title", "kind", "merged", "moved", "rows", "problems",
                "created", "updated", "unchanged", "import_id"}


def test_sentences_read_as_plain_words(app, users):
    admin, member = users["admin"], users["member"]
    names = {member.id: "Mina Member"}
    rnd = AuditEntry(action="round.published", actor=admin, target_type="MentoringRound",
                     target_id="3", detail={"offers": 12})
    assert sentence(rnd, names) == "Ada Admin published matching round 3 (12 offers)"
    grant = AuditEntry(action="role.granted", actor=admin, target_type="User",
                       target_id=str(member.id), detail={"role": "mentor"})
    assert sentence(grant, names) == "Ada Admin gave Mina Member the mentor role"
    password = AuditEntry(action="account.password_changed", actor=member, target_type="User",
                          target_id=str(member.id), detail={})
    assert sentence(password, names) == "Mina Member changed their password"
    unknown = AuditEntry(action="account.something", actor=member, detail={})
    assert sentence(unknown, names) == "Mina Member: account.something"
    old = AuditEntry(action="role.granted", actor=admin, target_type="User",
                     target_id=str(member.id), detail={})  # no role kept: plain, not broken
    assert sentence(old, names) == "Ada Admin: role.granted"
    gone = AuditEntry(action="role.granted", actor=None, target_type="User", target_id="999",
                      detail={"role": "coordinator"})
    assert sentence(gone, names) == \
        "The system gave a member whose account is gone the coordinator role"
    report = AuditEntry(action="programme.updated", actor=member, target_type="User",
                        target_id=str(member.id), detail={"kind": "rating", "value": "good"})
    assert sentence(report, names) == \
        "Mina Member reported their service's rating for the programme report"
    affinity_event = AuditEntry(action="event.created", actor=None, detail={})
    assert sentence(affinity_event, names) == \
        "An event was created (who and where are not kept)"
    # One of something is counted in the singular, each count on its own.
    checked = AuditEntry(action="import.checked", actor=admin, target_type="MemberImport",
                         target_id="4", detail={"rows": 1, "problems": 2})
    assert sentence(checked, names) == \
        "Ada Admin checked member import 4 in a dry run (1 row, 2 problems)"
    merged = AuditEntry(action="organisation.merged", actor=admin, target_type="Organisation",
                        target_id="5", detail={"merged": 1, "moved": 1, "name": "Oak Lodge"})
    assert sentence(merged, names) == \
        "Ada Admin merged 1 more copy of “Oak Lodge” into organisation 5 (1 profile moved)"
    invited = AuditEntry(action="feedback.invited", actor=member, detail={"count": 1})
    assert sentence(invited, names) == "Mina Member invited 1 person to give 360 feedback"
    export = AuditEntry(action="export.members", actor=admin, detail={"count": 11})
    assert sentence(export, names) == "Ada Admin downloaded the members list (11 rows)"


def test_names_in_sentences_are_escaped(app, users):
    sly = make_user(email="sly@example.org", name="Sly <b>Bold</b>")
    entry = AuditEntry(action="account.logged_in", actor=sly, target_type="User",
                       target_id=str(sly.id), detail={})
    html = sentence(entry, {}, lambda uid, name: audit_words.Markup("<a>{}</a>").format(name))
    assert html == "<a>Sly &lt;b&gt;Bold&lt;/b&gt;</a> logged in"


def _entry(action, actor, when, target=None, **detail):
    entry = audit.record(actor, action, target, **detail)
    entry.created_at = when
    return entry


@pytest.fixture
def log(app, users):
    admin, member, coordinator = users["admin"], users["member"], users["coordinator"]
    day = datetime(2026, 11, 10, 9, 30)
    rnd = MentoringRound(name="Autumn", created_by_id=coordinator.id)
    db.session.add(rnd)
    db.session.flush()
    _entry("account.logged_in", member, day)
    _entry("role.granted", admin, day + timedelta(days=1), member, role="mentor")
    _entry("round.published", coordinator, day + timedelta(days=2), rnd, offers=4)
    _entry("account.password_changed", member, day + timedelta(days=3), member)
    special = audit.record_special("consent.given")
    special.created_at = datetime(2026, 11, 12)
    db.session.commit()
    return {"round": rnd}


def _entries(html: str) -> str:
    match = re.search(r'<ol id="audit-entries".*?</ol>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(0)) if match else ""


def _counts(html: str) -> str:
    match = re.search(r'<table id="special-counts".*?</table>', html, re.S)
    return match.group(0) if match else ""


def test_the_log_reads_as_sentences_newest_first(client, auth, users, log):
    auth.login(users["admin"].email)
    html = client.get("/admin/audit").get_data(as_text=True)
    text = _entries(html)
    rnd = log["round"].id
    order = [text.index(s) for s in (
        "Mina Member changed their password",
        f"Cora Coordinator published matching round {rnd} (4 offers)",
        "Ada Admin gave Mina Member the mentor role",
        "Mina Member logged in")]
    assert order == sorted(order)
    assert '<time datetime="2026-11-10T09:30Z">10 Nov 2026, 09:30</time>' in html
    # The special events: counted per day, in words, never in the list.
    counts = _counts(html)
    assert "12 Nov 2026" in counts and "joined an affinity network" in counts
    assert "affinity" not in text


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("who=mina", ["Mina Member logged in", "Mina Member changed their password"],
     ["Ada Admin gave"]),
    ("who=coord%40example", ["published matching round"], ["Mina Member logged in"]),
    ("what=roles", ["Ada Admin gave Mina Member the mentor role"], ["logged in"]),
    ("what=mentoring", ["published matching round"], ["logged in", "mentor role"]),
    ("what=accounts&since=2026-11-13", ["changed their password"], ["Mina Member logged in"]),
    ("since=11%2F11%2F2026&until=12%2F11%2F2026", ["mentor role", "published"],
     ["logged in", "changed their password"]),
    ("until=2026-11-10", ["Mina Member logged in"], ["mentor role"]),
])
def test_filters_by_who_what_and_when(client, auth, users, log, query, shown, hidden):
    auth.login(users["admin"].email)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    text = _entries(response.get_data(as_text=True))
    for words in shown:
        assert words in text, (query, words)
    for words in hidden:
        assert words not in text, (query, words)


def test_a_persons_link_filters_on_them(client, auth, users, log):
    auth.login(users["admin"].email)
    html = client.get(f"/admin/audit?user={users['member'].id}").get_data(as_text=True)
    assert "Showing what <strong>Mina Member</strong> did" in html
    text = _entries(html)
    assert "Mina Member logged in" in text and "Ada Admin" not in text
    # Nobody is behind a count: a person filter shows none.
    assert _counts(html) == ""


@pytest.mark.parametrize(("query", "message", "kept"), [
    ("since=2026-11-20&until=2026-11-01", "The last day must be on or after the first day",
     'value="2026-11-20"'),
    ("since=31%2F02%2F2026", "Enter a date, for example", 'value="31/02/2026"'),
    ("until=yesterday", "Enter a date, for example", 'value="yesterday"'),
    ("what=secrets&who=mina", "Choose one of the kinds of change shown", 'value="mina"'),
    ("who=" + "a" * 121, "Use at most 120 letters", 'value="aaaa'),
    # Past the largest id the database holds: a message, never a failed page.
    ("user=2147483648&who=mina", "number, for example 12", 'value="mina"'),
    ("about=99999999999999999999&who=mina", "number, for example 12", 'value="mina"'),
])
def test_a_bad_filter_says_what_to_fix_and_keeps_what_was_typed(client, auth, users, log, query,
                                                                message, kept):
    auth.login(users["admin"].email)
    response = client.get(f"/admin/audit?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and kept in html
    assert _entries(html) == "" and _counts(html) == ""  # no guess at what was meant


def test_special_counts_are_unchanged_by_the_filters_that_may_show_them(client, auth, users,
                                                                        log):
    auth.login(users["admin"].email)
    for query in ("", "what=networks", "since=2026-11-12&until=2026-11-12"):
        counts = _counts(client.get(f"/admin/audit?{query}").get_data(as_text=True))
        assert re.search(r"12 Nov 2026</td><td>joined an affinity network</td><td>1<", counts)
        assert not re.search(r"\d{2}:\d{2}", counts)
    for query in ("what=roles", "since=2026-11-13", f"user={users['member'].id}", "who=ada"):
        assert _counts(client.get(f"/admin/audit?{query}").get_data(as_text=True)) == ""


def test_only_admins_read_the_log(client, auth, users, log):
    for role in ("member", "mentor", "coordinator"):
        auth.as_role(users, role)
        assert client.get("/admin/audit?what=roles").status_code == 403
        auth.logout()
    assert "/account/login" in client.get("/admin/audit").headers["Location"]


def test_the_log_is_a_list_a_phone_can_read(client, auth, users, log):
    """No wide table to scroll sideways: each entry is a list item with its time and sentence."""
    auth.login(users["admin"].email)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert '<table id="audit-entries"' not in html
    items = re.findall(r"<li>\s*<time[^>]*>[^<]+</time>\s*<span class=\"audit-sentence\">",
                       html)
    assert len(items) == 5  # the four above and the admin logging in


def test_the_log_runs_the_same_statements_whatever_its_size(client, auth, users, log):
    auth.login(users["admin"].email)
    paths = ["/admin/audit", "/admin/audit?what=roles&since=2026-11-01",
             f"/admin/audit?user={users['member'].id}"]
    db.session.expire_all()  # as a fresh request finds them: nobody already loaded
    before = statements_per_page(client, paths)
    people = [make_user(email=f"p{i}@example.org", name=f"Person {i}") for i in range(30)]
    for person in people:
        audit.record(users["admin"], "role.granted", person, role="mentor")
        audit.record(person, "account.logged_in", person)
        audit.record_special("consent.given")
    db.session.commit()
    assert statements_per_page(client, paths) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) > 30


def _logins(person, count: int, start: datetime) -> None:
    """``count`` logins by ``person``, a minute apart from ``start``, in one insert."""
    rows = audit.entries_for_many(person.id, "account.logged_in", "User", [person.id] * count)
    for minutes, row in enumerate(rows):
        row["created_at"] = start + timedelta(minutes=minutes)
    db.session.execute(sa.insert(AuditEntry), rows)
    db.session.commit()


# The log fixture's four entries and the admin logging in make five.
@pytest.mark.parametrize(("more", "total", "pages"), [(45, 50, 1), (46, 51, 2), (96, 101, 3)])
def test_every_page_of_the_log_says_how_many_in_all(client, auth, users, log, more, total,
                                                    pages):
    _logins(users["member"], more, datetime(2026, 11, 20, 8, 0))
    auth.login(users["admin"].email)
    statements = set()
    for number in range(1, pages + 2):
        path = f"/admin/audit?page={number}"
        statements.add(count_statements(client, path))
        html = client.get(path).get_data(as_text=True)
        items = len(re.findall(r'<span class="audit-sentence">', html))
        if number > pages:  # past the end
            assert items == 0 and "Nothing in the log matches that." in html
            continue
        assert items == min(50, total - 50 * (number - 1)), number
        if pages > 1:
            assert f"Page {number} of {pages} ({total} in all)" in html, number
        else:
            assert "in all" not in html
    # Whether the page tells the number or the log is counted, one statement.
    assert len(statements) == 1


def test_a_long_log_is_counted_only_eight_pages_ahead(client, auth, users, log):
    """The log grows every day: a page counts its entries only as far as the end of eight
    pages from itself, says "more than" past that, and never counts the events kept only as
    daily counts."""
    _logins(users["member"], 446, datetime(2026, 11, 20, 8, 0))  # with the log's five, 451
    for _ in range(60):
        audit.record_special("consent.given")
    db.session.commit()
    auth.login(users["admin"].email)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Page 1 of more than 8 (more than 400 in all)" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "Page 2 of more than 9 (more than 450 in all)" in second
    # Within eight pages of the end the count is exact: the special events are not in it.
    third = client.get("/admin/audit?page=3").get_data(as_text=True)
    assert "Page 3 of 10 (451 in all)" in third and "more than" not in third
    last = client.get("/admin/audit?page=10").get_data(as_text=True)
    assert "Page 10 of 10 (451 in all)" in last and 'rel="next"' not in last
    assert len(re.findall(r'<span class="audit-sentence">', last)) == 1


def test_a_person_named_by_an_oddly_written_id_is_still_named(client, auth, users, log):
    """Ids this app writes as digits are named by the page's statement; anything else that
    Python reads as a number still names the person (a statement of its own)."""
    admin, member = users["admin"], users["member"]
    for target_id, value in ((str(member.id), member.id), (f" {member.id}", str(member.id)),
                             (f"+{member.id}", float(member.id))):
        db.session.add(AuditEntry(actor_id=admin.id, action="account.reopened",
                                  target_type="User", target_id=target_id, detail={}))
        db.session.add(AuditEntry(actor_id=admin.id, action="formation.member_moved",
                                  target_type="SetFormation", target_id="2",
                                  detail={"user_id": value}))
    db.session.commit()
    auth.login(admin.email)
    text = _entries(client.get("/admin/audit").get_data(as_text=True))
    assert text.count("Ada Admin reopened the account of Mina Member") == 3
    assert text.count("Ada Admin moved Mina Member to another set in set formation 2") == 3


# What the log's template wrote for each entry before its items were written in Python.
JINJA_ITEMS = """{% for e, words in entries %}
  <li>
    <time datetime="{{ e.created_at.strftime('%Y-%m-%dT%H:%MZ') }}">{{ e.created_at.strftime('%d %b %Y, %H:%M') }}</time>
    <span class="audit-sentence">{{ words }}</span>
  </li>
  {% endfor %}"""  # noqa: E501


def test_the_logs_items_are_what_its_template_wrote(app, users):
    admin, member = users["admin"], users["member"]
    names = {member.id: "Mina <Member>", admin.id: "Ada Admin"}
    entries = [
        audit.Entry(1, datetime(2026, month, day, hour, minute), actor, action, target_type,
                    target_id, detail, names.get(actor))
        # Every month, single and double figures (the items write times without strftime).
        for month in range(1, 13) for day, hour, minute in ((1, 0, 0), (9, 23, 59), (28, 12, 5))
        for actor, action, target_type, target_id, detail in (
            (admin.id, "role.granted", "User", str(member.id), {"role": "mentor"}),
            (member.id, "account.logged_in", "User", str(member.id), {}),
            (member.id, "account.logged_in", "User", str(member.id), {}),
            (None, "event.created", None, None, {}),
            (admin.id, "topic.added", None, None, {"name": "<b>Tea & cake</b>"}),
            (admin.id, "made.up", None, None, {}))]

    def link(user_id, name):
        return audit_words.Markup('<a href="/admin/users/{}">{}</a>').format(user_id, name)

    with app.test_request_context():
        wrote = app.jinja_env.from_string(JINJA_ITEMS).render(
            entries=[(e, sentence(e, names, link)) for e in entries])
        assert audit_words.log_items(entries, names, link) == wrote
    assert "Mina &lt;Member&gt;" in wrote and "&lt;b&gt;Tea &amp; cake" in wrote


def test_a_persons_page_shows_who_changed_them_and_what_they_did(client, auth, users, log):
    member = users["member"]
    auth.login(users["admin"].email)
    html = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    admin_link = f'<a href="/admin/users/{users["admin"].id}">Ada Admin</a>'
    to_them = html[html.index("Changes made to Mina Member"):html.index("What Mina Member did")]
    by_them = html[html.index("What Mina Member did"):]
    by_them = by_them[:by_them.index("</ol>")]
    assert f'{admin_link} gave <a href="/admin/users/{member.id}">Mina Member</a> the mentor ' \
           "role" in to_them
    assert "logged in" in by_them and "changed their password" in by_them
    assert "gave" not in by_them
    # Their profile, as staff see it (that look is audited by the profile page).
    assert f'href="/members/{member.id}"' in html
    # Few entries: no link to more.
    assert "All changes made to" not in html and "Everything Mina Member did" not in html


def test_a_persons_page_names_everyone_its_entries_name_newest_first(client, auth, users, log):
    member, admin, other = users["member"], users["admin"], users["other_member"]
    rnd = db.session.scalar(sa.select(MentoringRound))
    _entry("round.pair_locked", member, datetime(2026, 11, 20, 8, 0), rnd,
           mentee_id=other.id, mentor_id=admin.id)
    db.session.commit()
    auth.login(admin.email)
    html = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    by_them = html[html.index("What Mina Member did"):]
    assert f'fixed <a href="/admin/users/{other.id}">Otto Other</a> with mentor ' \
           f'<a href="/admin/users/{admin.id}">Ada Admin</a>' in by_them
    assert by_them.index("fixed") < by_them.index("changed their password") < \
        by_them.index("logged in")
    assert "Roles</dt><dd>Member</dd>" in html
    assert "Roles</dt><dd>Admin, Member</dd>" in client.get(
        f"/admin/users/{admin.id}").get_data(as_text=True)


def test_a_busy_persons_page_is_limited_and_links_to_the_filtered_log(client, auth, users, log):
    member, admin = users["member"], users["admin"]
    for _ in range(12):
        audit.record(admin, "role.granted", member, role="mentor")
        audit.record(member, "account.logged_in", member)
    db.session.commit()
    auth.login(admin.email)
    html = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert f'href="/admin/audit?about={member.id}"' in html
    assert f'href="/admin/audit?user={member.id}"' in html
    assert html.count("the mentor role") == 10
    everything = client.get(f"/admin/audit?about={member.id}").get_data(as_text=True)
    assert "Showing changes made to <strong>Mina Member</strong>" in everything
    text = _entries(everything)
    assert text.count("the mentor role") == 13
    assert "Mina Member logged in" not in text  # by them: in the other list
    assert _counts(everything) == ""


def test_a_persons_page_runs_the_same_statements_whatever_their_history(client, auth, users,
                                                                        log):
    member, admin = users["member"], users["admin"]
    auth.login(admin.email)
    path = f"/admin/users/{member.id}"
    db.session.expire_all()  # as a fresh request finds them: nobody already loaded
    before = statements_per_page(client, [path])
    # The admin signed in (expired above), the account with its roles, its history with names.
    assert before[path] <= 3, before
    for _ in range(25):
        audit.record(admin, "role.granted", member, role="mentor")
        audit.record(member, "account.logged_in", member)
    db.session.commit()
    assert statements_per_page(client, [path]) == before
