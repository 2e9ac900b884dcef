"""The round preview's table of pairs, written in Python (netapp/mentoring/round_rows.py), is the
HTML the Jinja loop it replaced gave, and escapes whatever members type; a reason follows a
person's changed choices at once."""
import itertools

import sqlalchemy as sa
from markupsafe import Markup

from netapp.extensions import db
from netapp.mentoring import round_rows
from netapp.models import Role, RoundProposal, User, UserRole
from netapp.services import mentoring_rounds as rounds
from netapp.services import profiles
from netapp.services.mentoring_rounds import PreviewRow
from tests.test_mentoring_rounds import _create, _run, coordinator, people  # noqa: F401

# The loop templates/mentoring/rounds_preview.html used to run, as it was.
JINJA_ROWS = """\
  <tbody role="rowgroup">
  {# Built once for every row's buttons: rendering the token field or a URL per row cost
     more than the rest of the table. #}
  {% set hidden = token %}
  {% set pair_action = action %}
  {% for p in pairs %}
    {% set who = p.mentee_name ~ " with " ~ p.mentor_name %}
    <tr role="row">
      <td role="cell" data-label="Mentee">{{ p.mentee_name }}</td>
      <td role="cell" data-label="Mentor">{{ p.mentor_name }}</td>
      <td role="cell" data-label="Score">{{ '%.0f' % p.score }}{% if p.is_locked %} <span class="tag">Locked</span>{% endif %}</td>
      <td role="cell" data-label="Why" class="reason">{{ reasons[p.id] }}</td>
      {% if editable %}
      <td role="cell" data-label="Change">
        {% if not p.is_locked %}
        <form method="post" action="{{ pair_action }}" class="inline-form">
          {{ hidden }}
          <input type="hidden" name="kind" value="lock">
          <input type="hidden" name="mentee_id" value="{{ p.mentee_id }}">
          <input type="hidden" name="mentor_id" value="{{ p.mentor_id }}">
          <button type="submit" class="link-button">Lock<span class="visually-hidden"> {{ who }}</span></button>
        </form>
        <form method="post" action="{{ pair_action }}" class="inline-form">
          {{ hidden }}
          <input type="hidden" name="kind" value="forbid">
          <input type="hidden" name="mentee_id" value="{{ p.mentee_id }}">
          <input type="hidden" name="mentor_id" value="{{ p.mentor_id }}">
          <button type="submit" class="link-button">Forbid<span class="visually-hidden"> {{ who }}</span></button>
        </form>
        {% endif %}
      </td>
      {% endif %}
    </tr>
  {% endfor %}
  </tbody>"""  # noqa: E501


def _pairs() -> list[PreviewRow]:
    """A pair for each kind of row, with names and reasons holding text to escape."""
    names = ["Ann \"<Bold>\" O'Neil", "Bo & <i>Co</i>", "Zoë", "&amp; already"]
    scores = [86.5, 0.4, 100.0, 12.5]
    rows = []
    for n, (mentee, mentor, score, locked) in enumerate(
            itertools.product(names, names[::-1], scores, (False, True))):
        rows.append(PreviewRow(n + 1, 100 + n, 200 + n, score, "engine's words", mentee, mentor,
                               locked, None, None))
    return rows


def test_rows_are_the_html_the_template_gave(app):
    pairs = _pairs()
    reasons = {p.id: f"Reason <{p.id}> for {p.mentee_name} & co's" for p in pairs}
    token = Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="t&amp;k">')
    action = "/mentoring/rounds/7/pairs/from-preview?a=1&b=2"
    template = app.jinja_env.from_string(JINJA_ROWS)
    for editable in (True, False):
        with app.test_request_context():
            expected = template.render(pairs=pairs, reasons=reasons, editable=editable,
                                       token=token, action=action)
        got = round_rows.pair_rows_html(pairs, reasons, editable, token, action)
        assert isinstance(got, Markup)
        assert expected == f'  <tbody role="rowgroup">\n  {got}\n  </tbody>'
    assert "<Bold>" not in got and "&lt;Bold&gt;" in got and "<i>Co</i>" not in got
    assert "&amp;amp; already" in got and "Reason &lt;1&gt;" in got
    assert "Locked</span>" in got and "<form" not in got  # not editable: no buttons


def test_a_reason_follows_a_changed_choice_at_once(app, client, coordinator, people):  # noqa: F811
    # The reason's wording is kept per process by what it rests on: a person who stops
    # sharing their self-assessment with coordinators is heard on the next page.
    for name in people:
        profiles.set_visibility(people[name], {"lqf": "coordinators", "level": "networks"})
    rnd = _create(client)
    _run(client, rnd)
    preview = client.get(f"/mentoring/rounds/{rnd.id}/preview").text.replace("&#39;", "'")
    assert "which the mentee's self-assessment rates low" in preview
    for name in people:
        profiles.set_visibility(people[name], {"lqf": "me"})
    preview = client.get(f"/mentoring/rounds/{rnd.id}/preview").text.replace("&#39;", "'")
    assert "self-assessment" not in preview and "Offers help with the mentee's need" in preview


def test_kept_rows_carry_each_requests_token_and_show_a_change_at_once(
        app, client, coordinator, people):  # noqa: F811
    # A process keeps a page's rows by everything they show: each request still gets its own
    # token, and a new name, a lock or a viewer who is one of the pair is written afresh.
    for name in people:  # mentees keep their self-assessment to themselves
        profiles.set_visibility(people[name], {
            "lqf": "me" if name in ("ann", "bob", "cat") else "coordinators"})
    people["ann"].roles.append(UserRole(role=Role.COORDINATOR))
    db.session.commit()
    rnd = _create(client)
    _run(client, rnd)

    def rows(viewer, token="<input name=t1>"):
        _, pairs, _ = rounds.preview(rnd.id, 1, 1, 25)
        expected = round_rows.pair_rows_html(pairs.items, rounds.reasons_for(viewer, pairs.items),
                                             True, token, "/act")
        got = round_rows.pair_rows(pairs.items, viewer, True, Markup(token), "/act")
        assert isinstance(got, Markup) and got == expected
        return got

    with app.test_request_context():
        cora, ann = db.session.get(User, coordinator.id), db.session.get(User, people["ann"].id)
        first = rows(cora)
        assert rows(cora, "<input name=t2>") == str(first).replace("<input name=t1>",
                                                                   "<input name=t2>")
        # Ann reads her own self-assessment in her pair's reason; Cora does not.
        assert "which the mentee&#39;s self-assessment rates low" in rows(ann)
        assert "self-assessment" not in rows(cora)
        people["meg"].display_name = "Meg Renamed"
        db.session.commit()
        assert "Meg Renamed" in rows(cora)
    proposal = db.session.scalars(sa.select(RoundProposal).where(
        RoundProposal.mentee_id == people["ann"].id)).one()
    assert client.post(f"/mentoring/rounds/{rnd.id}/pairs/from-preview", data={
        "kind": "lock", "mentee_id": proposal.mentee_id,
        "mentor_id": proposal.mentor_id}).status_code == 302
    with app.test_request_context():
        assert rows(db.session.get(User, coordinator.id)).count("Locked</span>") == 1


def test_the_kept_preview_shows_a_change_at_once_with_each_pages_token(
        app, client, coordinator, people, monkeypatch):  # noqa: F811
    # A process keeps the preview below the round's tabs by everything it shows: a round run
    # again, published or paged shows at once, and each page has the request's own token.
    import re

    from netapp import forms_common
    from netapp.models import MentoringRound, RoundStatus

    rnd = _create(client)
    _run(client, rnd)
    address = f"/mentoring/rounds/{rnd.id}/preview"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for n in range(3):  # the first page is rendered, the others kept
            token = f"token-{n}&<{n}>"
            monkeypatch.setattr(forms_common, "signed_token", lambda token=token: token)
            monkeypatch.setitem(app.jinja_env.globals, "csrf_token", lambda token=token: token)
            html = client.get(address).text
            found = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
            assert len(found) > 2 and set(found) == {f"token-{n}&amp;&lt;{n}&gt;"}
            assert "token-" not in html.replace(f"token-{n}&amp;", "")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert "Run again" in html and "3 of 3</strong> mentees matched" in html
    row = db.session.get(MentoringRound, rnd.id)
    row.summary = "Changed words."
    db.session.commit()
    assert "Changed words." in client.get(address).text
    row.stats = {**row.stats, "matched": 2}
    db.session.commit()
    assert "2 of 3</strong> mentees matched" in client.get(address).text
    row.status = RoundStatus.PUBLISHED
    db.session.commit()
    html = client.get(address).text
    assert "Published pairs" in html and "Run again" not in html and "Lock<span" not in html
    app.config["PAGE_SIZE"] = 1
    html = client.get(f"{address}?page=2").text
    assert "Page 2 of 3 (3 in all)" in html and html.count('<tr role="row">') == 2
