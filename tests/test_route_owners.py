"""Every route declares who may use it, and the guard holds for every method of every route.

A new route fails `test_every_route_has_a_declared_owner` until it is added to OWNERS, so no
page can ship without someone deciding who it is for.
"""
import pytest
from flask import url_for

# Who may use each endpoint:
#   public          anyone, signed in or not
#   anonymous       meant for visitors; signed-in people are sent on
#   token           anyone holding the emailed link (the token is the key)
#   signed_in       any account; the route only ever acts on the signed-in person's own data
#   admin           admins only
#   mentor          people with the mentor role; each route acts only on offers made to them
#   coordinator     coordinators and admins
#   pair            only the mentor and the mentee of that mentorship; anyone else, staff
#                   included, gets a 404 as if it did not exist
#   set             only the current members and the facilitator of that action learning set
#                   (and, for its meetings' changes and attendance, only the facilitator);
#                   anyone else, staff included, gets a 404
#   peer            a member the signed-in person sees listed in one of their networks, or who
#                   said hello to them; anyone else (a guessed id), staff included, gets a 404
#   event           a network's events: for an affinity network only its members see them, and
#                   only leads (and, for local networks, coordinators) manage them; a guessed
#                   event or network gets a 404 from everyone, staff included
#   network         a network's page: any signed-in member for a local network, only its
#                   members for an affinity network; a guessed network gets a 404 from everyone
#   lead            changing a network's leads: coordinators and admins for a local network,
#                   its leads for an affinity network; a guessed network gets a 404 from everyone
#   talk            a network's discussions and a leadership story: any signed-in member for a
#                   local network (or a story shared with everyone), only its members for an
#                   affinity network; writing, editing, hiding and featuring check more. A
#                   guessed network, thread, post or story gets a 404 from everyone, staff too
OWNERS = {
    "mentoring.checkin_summary": "coordinator",
    **{f"mentoring.{name}": "pair" for name in (
        "relationship", "new_goal", "edit_goal", "goal_status", "new_meeting", "edit_meeting",
        "send_message", "checkin", "close_relationship", "relationship_feedback",
    )},
    "static": "public",
    # Coordinators share imports, as they share matching rounds: any of them may continue one.
    **{f"coordinator.{name}": "coordinator" for name in (
        "imports", "import_template", "import_sample", "import_sample_ready", "import_detail",
        "import_mapping", "import_run", "import_progress", "import_discard",
    )},
    **{f"coordinator.{name}": "coordinator" for name in (
        "index", "members", "export_members", "export_matches", "export_sets", "export_events",
        "export_attendance",
    )},
    "coordinator.dashboard": "coordinator",
    "main.index": "anonymous",
    "main.health": "public",
    "main.dashboard": "signed_in",
    "auth.signup": "anonymous",
    "auth.signup_sent": "public",
    "auth.login": "anonymous",
    "auth.reset_request": "public",
    "auth.reset_password": "token",
    "auth.verify_email": "token",
    "auth.confirm_email_change": "token",
    "auth.logout": "signed_in",
    "auth.resend_verification": "signed_in",
    "auth.settings": "signed_in",
    "auth.change_password": "signed_in",
    "auth.change_email": "signed_in",
    "auth.deactivate": "signed_in",
    "auth.end_session": "signed_in",
    "auth.sign_out_everywhere": "signed_in",
    "members.notifications_list": "signed_in",
    "members.notifications_read": "signed_in",
    "members.notification_settings": "signed_in",
    "admin.users": "admin",
    "admin.user_detail": "admin",
    "admin.close_account": "admin",
    "admin.reopen_account": "admin",
    "admin.audit_log": "admin",
    "members.give_feedback": "token",
    **{f"mentoring.{name}": "mentor" for name in (
        "mentees", "accept", "decline", "set_capacity", "pause",
    )},
    "mentoring.stale_offers": "coordinator",
    **{f"mentoring.{name}": "signed_in" for name in (
        "suggestions", "wants_mentor", "ask", "dismiss", "withdraw",
    )},
    **{f"sets.{name}": "signed_in" for name in ("request_page", "withdraw_request")},
    **{f"sets.{name}": "coordinator" for name in (
        "formations", "new_formation", "formation_detail", "formation_unplaced",
        "run_formation", "formation_progress", "move_member", "set_facilitator",
        "publish_formation", "late_joiners", "late_joiner", "late_joiner_find",
        "late_joiner_progress", "formation_settings",
    )},
    **{f"sets.{name}": "set" for name in (
        "set_page", "add_note", "add_action", "action_done", "leave_set", "ask_change",
        "new_meeting",
        "edit_meeting", "cancel_meeting", "meeting_attendance", "meeting_file",
    )},
    **{f"sets.{name}": "coordinator" for name in ("running_sets", "set_roster", "flags")},
    **{f"sets.{name}": "signed_in" for name in (
        "calendar_page", "new_calendar_address", "stop_calendar_address",
    )},
    "sets.calendar_feed": "token",
    "networks.my_events": "signed_in",
    **{f"networks.{name}": "event" for name in (
        "network_events", "new_event", "event_page", "edit_event", "cancel_event", "rsvp",
        "cancel_rsvp", "event_file", "event_attendance",
    )},
    **{f"networks.{name}": "signed_in" for name in ("peers", "hellos", "connected")},
    **{f"networks.{name}": "peer" for name in ("say_hello", "dismiss_peer")},
    **{f"networks.{name}": "coordinator" for name in ("isolation_list", "isolation_csv")},
    # Old addresses of the learning resources admin pages: a permanent redirect to /admin.
    **{f"members.{name}": "public" for name in (
        "manage_resources", "edit_resource", "delete_resource")},
    **{f"admin.{name}": "admin" for name in (
        "manage_resources", "edit_resource", "delete_resource", "organisations_list",
        "merge_organisations", "topics_list", "edit_topic", "networks_list", "edit_network")},
    # A member's own done list: the resource id is public reference data, the tick is theirs.
    "members.mark_resource_done": "signed_in",
    "members.undo_resource_done": "signed_in",
    # A member's own programme reports and feedback; the report shows only totals.
    **{f"members.{name}": "signed_in" for name in (
        "my_programme", "save_programme", "programme_feedback")},
    **{f"coordinator.{name}": "coordinator" for name in ("report", "report_csv")},
    # The recruitment kit only shows questions (reference data) for what the member chose.
    **{f"members.{name}": "signed_in" for name in (
        "recruitment_kit", "recruitment_pack", "recruitment_csv")},
    "admin.recruitment_questions": "admin",
    "admin.edit_recruitment_question": "admin",
    **{f"mentoring.{name}": "coordinator" for name in (
        "rounds", "new_round", "round_detail", "round_pool", "round_weights", "round_rules",
        "remove_round_rule", "round_pair_from_preview", "run_round", "round_progress",
        "round_preview", "publish_round",
    )},
    **{f"members.{name}": "signed_in" for name in (
        "onboarding", "wizard_about", "wizard_assess", "wizard_needs", "wizard_mentoring",
        "wizard_networks", "edit_about", "assess", "edit_needs", "edit_mentoring", "me",
        "preview", "privacy_settings", "assessments", "profile", "my_data", "export_data",
        "erase", "my_feedback", "new_feedback_round", "feedback_results", "my_resources",
    )},
    # Old addresses of the network pages: a redirect to the new one, which checks.
    **{f"members.{name}": "public" for name in ("my_networks", "network")},
    **{f"networks.{name}": "signed_in" for name in (
        "directory", "mine", "join", "leave", "set_listing", "members",
    )},
    **{f"networks.{name}": "network" for name in ("network", "follow", "unfollow")},
    **{f"networks.{name}": "lead" for name in ("appoint_lead", "find_lead", "remove_lead")},
    **{f"networks.{name}": "talk" for name in (
        "discussions", "new_discussion", "discussion", "discussion_reply", "edit_post",
        "report_post", "hide_post", "clear_reports", "post_reports", "story", "edit_story",
        "delete_story", "thank_story", "feature_story", "hide_story",
    )},
    **{f"networks.{name}": "signed_in" for name in ("stories", "new_story")},
}
# Placeholder values for URL parts; the guard must act before any lookup.
URL_VALUES = {"user_id": 1, "token": "not-a-real-token", "code": "PQ", "network_id": 1,
              "resource_id": 1, "round_id": 1, "session_id": 1, "filename": "css/site.css",
              "rule_id": 1, "day": 30, "meeting_id": 1, "goal_id": 1, "mentorship_id": 1,
              "mentor_id": 1, "formation_id": 1, "set_id": 1, "note_id": 1, "event_id": 1,
              "region_id": 1, "thread_id": 1, "post_id": 1, "story_id": 1,
              "question_id": 1, "topic_id": 1, "import_id": 1}
ROLES = ["member", "mentor", "coordinator"]


def _requests(app):
    """(endpoint, method, path) for every method of every URL rule."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            values = {arg: URL_VALUES[arg] for arg in rule.arguments}
            path = url_for(rule.endpoint, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, path


def test_every_route_has_a_declared_owner(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - OWNERS.keys() == set(), "add these routes to OWNERS"
    assert OWNERS.keys() - endpoints == set(), "these OWNERS entries are stale"


def test_anonymous_visitors_are_sent_to_log_in_for_every_private_route(app, client):
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] not in ("signed_in", "admin", "mentor", "coordinator", "pair",
                                    "set", "peer", "event", "network", "lead", "talk"):
            continue
        response = client.open(path, method=method)
        assert response.status_code == 302, f"{method} {path} gave {response.status_code}"
        assert "/account/login" in response.headers["Location"], f"{method} {path}"
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("role", ROLES)
def test_admin_routes_refuse_everyone_but_admins_for_every_method(app, client, auth, users, role):
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "admin":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 403, f"{role}: {method} {path} gave {response.status_code}"
        checked += 1
    assert checked >= 10


def test_admins_pass_the_guard_on_every_admin_route(app, client, auth, users):
    """The guard lets admins through; a missing record is then a plain 404, never a 403."""
    auth.as_role(users, "admin")
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "admin":
            continue
        response = client.open(path, method=method)
        assert response.status_code in (200, 302, 400, 404), f"{method} {path}"
        assert response.status_code != 403


def test_token_routes_refuse_a_made_up_token_without_an_error_page(app, client):
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "token":
            continue
        response = client.open(path, method=method)
        assert response.status_code in (302, 404), f"{method} {path} gave {response.status_code}"


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_pair_routes_answer_404_to_everyone_for_a_guessed_mentorship(app, client, auth, users,
                                                                     role):
    """Nobody but the pair learns a mentorship exists (tests/test_mentoring_relationship.py
    opens real ones as each role)."""
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "pair":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 404, f"{role}: {method} {path} gave " \
                                             f"{response.status_code}"
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_set_routes_answer_404_to_everyone_for_a_guessed_set(app, client, auth, users, role):
    """Nobody outside a set learns it exists (tests/test_sets_pages.py opens real ones as
    members, the facilitator and staff)."""
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "set":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 404, f"{role}: {method} {path} gave " \
                                             f"{response.status_code}"
        checked += 1
    assert checked >= 10


# Who holds each staff kind of route; everyone else gets a 403 on every method.
STAFF = {"mentor": {"mentor"}, "coordinator": {"coordinator", "admin"}}


@pytest.mark.parametrize("kind", sorted(STAFF))
@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_mentor_and_coordinator_routes_refuse_everyone_else(app, client, auth, users, kind,
                                                            role):
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != kind:
            continue
        response = client.open(path, method=method)
        response.close()  # a streamed download keeps its request open until closed
        if role in STAFF[kind]:
            assert response.status_code != 403, f"{role}: {method} {path}"
        else:
            assert response.status_code == 403, f"{role}: {method} {path} gave " \
                                                 f"{response.status_code}"
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_peer_routes_answer_404_to_everyone_for_a_guessed_person(app, client, auth, users, role):
    """Nobody can greet or dismiss someone they cannot see listed in a shared network
    (tests/test_networks_peers.py opens real ones)."""
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "peer":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 404, f"{role}: {method} {path} gave " \
                                             f"{response.status_code}"
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_event_routes_answer_404_to_everyone_for_a_guessed_event(app, client, auth, users, role):
    """Nobody learns a guessed event or network exists (tests/test_networks_events.py opens
    real ones, local and affinity, as each role)."""
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "event":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 404, f"{role}: {method} {path} gave " \
                                             f"{response.status_code}"
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_network_routes_answer_404_to_everyone_for_a_guessed_network(app, client, auth, users,
                                                                     role):
    """Nobody learns whether a network id exists by guessing (tests/test_networks_pages.py
    opens real local and affinity networks as each role)."""
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS.get(endpoint) not in ("network", "lead"):
            continue
        response = client.open(path.replace("/networks/1", "/networks/987654"), method=method)
        assert response.status_code == 404, f"{role}: {method} {path} gave " \
                                             f"{response.status_code}"
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_talk_routes_answer_404_to_everyone_for_a_guessed_thread_post_or_story(app, client, auth,
                                                                               users, role):
    """Nobody learns whether a discussion, post or story exists by guessing its id
    (tests/test_networks_discussions.py and test_networks_stories.py open real ones in local
    and affinity networks as each role)."""
    auth.as_role(users, role)
    checked = 0
    for endpoint, method, path in _requests(app):
        if OWNERS[endpoint] != "talk":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 404, f"{role}: {method} {path} gave " \
                                             f"{response.status_code}"
        checked += 1
    assert checked >= 15
