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
