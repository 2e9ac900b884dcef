"""A member's own pages run the same SQL statements however much they and the site hold."""
from __future__ import annotations

from netapp.models import Resource
from netapp.services import lqf, resources
from tests.profile_helpers import assess, give_profile, load_reference
from tests.statements import statements_per_page


def _more_resources(admin, count: int) -> list[Resource]:
    elements = [e for d in lqf.framework().dimensions for e in d.elements]
    return [resources.save(admin, None, element_id=elements[n % len(elements)].id,
                           title=f"Resource {n} & co", url=f"https://example.org/{n}",
                           summary="Worth a read", level_from=1, level_to=4)
            for n in range(count)]


def _counts(client, paths: list[str]) -> dict[str, int]:
    statements_per_page(client, paths)  # warm-up: what a serving process has cached
    return statements_per_page(client, paths)


def test_my_resources_runs_a_fixed_number_of_statements(client, auth, users):
    load_reference()
    member = users["member"]
    give_profile(member, needs=("leadership",))
    auth.login(member.email)
    paths = ["/me/resources", "/me/resources?open=PQ"]
    counts = []
    for round_ in range(2):
        # More resources, more of them done, more needs and another self-assessment.
        added = _more_resources(users["admin"], 3 + 30 * round_)
        for resource in added[: 2 + 20 * round_]:
            client.post(f"/me/resources/{resource.id}/done")
        assess(member, score_for=lambda i, r=round_: 1 + (i + r) % 4)
        if round_:
            give_profile(member, needs=("leadership", "finance", "wellbeing"))
        counts.append(_counts(client, paths))
    assert counts[0] == counts[1]
    # The signed-in person (SQLite reads them on every request), the member's own level,
    # scores, needs and done resources in one statement, and the framework's resources.
    assert set(counts[1].values()) == {3}
