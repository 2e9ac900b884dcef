"""The home page: the member's networks and the next useful step."""
from tests.profile_helpers import assess, give_profile, join, load_reference


def test_home_lists_my_networks_and_asks_for_a_self_assessment_until_done(client, auth, users):
    load_reference()
    member = users["member"]
    give_profile(member, "Leeds")
    join(member, "women")
    from netapp.services import profiles

    for step in ("about", "assessment", "needs", "mentoring", "networks"):
        profiles.mark_step_done(member, step)
    auth.as_role(users, "member")
    html = client.get("/home").get_data(as_text=True)
    assert "Leeds Registered Managers network" in html
    assert "Women managers network" in html
    assert "Start your self-assessment" in html
    assess(member)
    html = client.get("/home").get_data(as_text=True)
    assert "Start your self-assessment" not in html


def test_home_never_shows_someone_elses_affinity_network(client, auth, users):
    load_reference()
    give_profile(users["other_member"], "Leeds")
    join(users["other_member"], "bame")
    auth.as_role(users, "member")
    html = client.get("/home").get_data(as_text=True)
    assert "BAME" not in html and "Black, Asian" not in html


def test_a_mentors_home_runs_no_more_statements_than_a_members(app):
    # The waiting offers and requests ride on the statement that reads every panel.
    from netapp.extensions import db
    from netapp.services.demo import DEMO_DOMAIN, DEMO_PASSWORD, seed_demo
    from netapp.services.mentoring import waiting_count
    from tests.statements import count_statements

    db.session.remove()
    db.drop_all()
    db.create_all()
    seed_demo(members=240, seed=2026)
    counts = {}
    for who in ("member", "mentor"):
        client = app.test_client()
        assert client.post("/account/login", data={
            "email": f"{who}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}).status_code == 302
        count_statements(client, "/home")  # warm-up: what a serving process has cached
        counts[who] = count_statements(client, "/home")
    assert counts["mentor"] == counts["member"] <= 2, counts
    from netapp.models import User

    mentor = db.session.scalars(db.select(User).filter_by(email=f"mentor@{DEMO_DOMAIN}")).one()
    waiting = waiting_count(mentor)
    assert waiting > 0  # the demo mentor has someone waiting, so the panel is on the page
    html = client.get("/home").get_data(as_text=True)
    assert (f"{waiting} {'person is' if waiting == 1 else 'people are'} waiting for your answer"
            in html)
    # The same statement for everyone counts the offers of anyone, shown to mentors alone.
    from netapp.models import Role, UserRole

    db.session.execute(db.delete(UserRole).where(UserRole.user_id == mentor.id,
                                                 UserRole.role == Role.MENTOR))
    db.session.commit()
    assert "waiting for your answer" not in client.get("/home").get_data(as_text=True)


def test_home_shows_my_next_three_events_i_may_still_see_soonest_first(client, auth, users):
    """Going to seven: one cancelled, one over, one in an affinity network the member is not in.
    The home page lists the rest, soonest first, and at most three."""
    from datetime import timedelta

    from netapp.extensions import db
    from netapp.models import Event, EventRsvp, Network, NetworkKind, NetworkMembership, RsvpStatus
    from netapp.models.base import utcnow

    member = users["member"]
    local = Network(kind=NetworkKind.LOCAL, code="leeds-test", name="Leeds network")
    women = Network(kind=NetworkKind.AFFINITY, code="women-test", name="Women managers")
    db.session.add_all([local, women])
    db.session.flush()
    db.session.add(NetworkMembership(user_id=member.id, network_id=local.id))
    now = utcnow().replace(microsecond=0)

    def going(network, title, days, *, cancelled=False):
        starts = now + timedelta(days=days)
        event = Event(network_id=network.id, title=title, description="", starts_at=starts,
                      ends_at=starts + timedelta(hours=2), is_online=True, place="",
                      link="https://meet.example.org/x", sequence=0,
                      cancelled_at=now if cancelled else None)
        db.session.add(event)
        db.session.flush()
        db.session.add(EventRsvp(event_id=event.id, user_id=member.id, status=RsvpStatus.GOING))

    going(local, "Fourth meet-up", 9)
    going(local, "Second meet-up", 3)
    going(local, "Called off", 1, cancelled=True)
    going(local, "Already over", -2)
    going(women, "Women leaders breakfast", 2)
    going(local, "Third meet-up", 5)
    going(local, "First meet-up", 2.5)
    db.session.commit()
    auth.as_role(users, "member")
    html = client.get("/home").get_data(as_text=True)
    shown = [t for t in ("First meet-up", "Second meet-up", "Third meet-up", "Fourth meet-up",
                         "Called off", "Already over", "Women leaders") if t in html]
    assert shown == ["First meet-up", "Second meet-up", "Third meet-up"]
    assert html.index("First meet-up") < html.index("Second meet-up") < html.index("Third")


def test_home_kept_per_process_shows_each_change_at_once_with_each_pages_token(
        app, client, auth, users, monkeypatch):
    """A process keeps the home page below its header by everything it shows: a new name, a
    new network, a new role or a confirmed email shows on the next load, and each page has
    the request's own token in its forms."""
    import re

    from netapp import forms_common
    from netapp.extensions import db
    from netapp.models import Role, UserRole
    from tests.factories import make_user

    load_reference()
    member = make_user(email="una@example.org", name="Una Unconfirmed", verified=False)
    give_profile(member, "Leeds")
    assert auth.login(member.email).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for n in range(3):  # the first page is rendered, the others kept
            token = f"token-{n}&<{n}>"  # as a session's token would be, escaped on the page
            monkeypatch.setattr(forms_common, "signed_token", lambda token=token: token)
            monkeypatch.setitem(app.jinja_env.globals, "csrf_token", lambda token=token: token)
            html = client.get("/home").get_data(as_text=True)
            assert "Please confirm your email" in html and "Una Unconfirmed" in html
            assert re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html) == [
                f"token-{n}&amp;&lt;{n}&gt;"]
            assert "token-" not in html.replace(f"token-{n}&amp;", "")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    member.display_name = "Una Renamed"
    member.email_verified_at = member.created_at
    db.session.add(UserRole(user_id=member.id, role=Role.MENTOR))
    db.session.commit()
    join(member, "women")
    html = client.get("/home").get_data(as_text=True)
    assert "Hello, Una Renamed" in html and "Please confirm your email" not in html
    assert "My mentees" in html and "Women managers network" in html
