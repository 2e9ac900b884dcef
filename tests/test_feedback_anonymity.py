"""360-degree feedback: a requester must not recover any one colleague's answers.

The attack from issue 8: invite two addresses you control and one colleague, answer the two
yourself, and read the colleague's scores back from the averages (3 x average - 2). Each test
below plays the requester: it takes everything the results page shows plus what the requester
knows (their own answers), lists every score the colleague could have given that would make the
page look exactly the same, and fails if that pins down any element.

``shown`` is the published rule (docs/members.md, "360° feedback") written again here, not
imported: the tests check the page against it, then reason with it as a requester would.
"""
from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from fractions import Fraction

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import FeedbackRater
from netapp.services import lqf
from tests.factories import make_user
from tests.profile_helpers import assess, load_reference

SCALE = (1, 2, 3, 4)
ELEMENTS = 4  # per dimension
HALF = Fraction(1, 2)
VECTORS = list(itertools.product(SCALE, repeat=ELEMENTS))  # one person's answers to a dimension
TOTALS = range(ELEMENTS * 1, ELEMENTS * 4 + 1)
BY_TOTAL = {t: [v for v in VECTORS if sum(v) == t] for t in TOTALS}


def shown(totals: list[int]) -> Fraction:
    """What the page shows for one dimension, from each counted colleague's total over it.

    Written from docs/members.md: each total is held one point inside its range (5 to 15),
    the average per element is rounded to the nearest half, ties away from 2.5. In whole
    numbers: the half k/2 nearest to held / (4 n) is the k with the smallest |2 held - 4 n k|.
    """
    held = sum(min(max(t, ELEMENTS + 1), 4 * ELEMENTS - 1) for t in totals)
    n = len(totals)
    k = min(range(2, 9), key=lambda k: (abs(2 * held - ELEMENTS * n * k), -abs(k - 5)))
    return Fraction(k, 2)


def plain_rounding(totals: list[int]) -> Fraction:
    """A control: the plain average rounded to the nearest half, nothing held in."""
    mean = Fraction(sum(totals), ELEMENTS * len(totals))
    return Fraction(math.floor(mean / HALF + HALF)) * HALF


def pinned(rule, known: list[int], seen) -> list[int]:
    """Elements (0-3) on which every colleague answer consistent with the page agrees.

    ``rule`` sees one total per person, so the vectors are checked a total at a time.
    """
    consistent = [v for t in TOTALS if rule([*known, t]) == seen for v in BY_TOTAL[t]]
    assert consistent, "the true answers must be among the candidates"
    return [i for i in range(ELEMENTS) if len({v[i] for v in consistent}) == 1]


# ---------------------------------------------------------------- the rule itself


def test_no_choice_of_own_answers_pins_any_element_of_one_colleague():
    """Every way a requester could answer twice themselves, every colleague answer: nothing pinned.

    The rule sees one total per person, so both sides are enumerated a total at a time.
    """
    for mine in itertools.product(TOTALS, repeat=2):
        for truth in TOTALS:
            seen = shown([*mine, truth])
            assert pinned(shown, list(mine), seen) == [], (mine, truth)


def test_the_check_catches_the_old_page_and_a_plain_rounding():
    """Control: the same reasoning breaks rules that leak, so these tests can fail."""
    # The old page: each element's average over three people, to one decimal.
    for a, b, x in itertools.product(SCALE, repeat=3):
        seen = round(Fraction(a + b + x, 3), 1)
        assert [y for y in SCALE if round(Fraction(a + b + y, 3), 1) == seen] == [x]
    # Rounding to the half without holding totals in: answering 2 everywhere twice puts a
    # band edge just above all 1s, so a colleague's all-1s are read back.
    mine = [8, 8]
    assert pinned(plain_rounding, mine, plain_rounding([*mine, 4])) == [0, 1, 2, 3]


def _possible(total_set: set[int]) -> set[int]:
    """The values one element can take when a person's total is one of ``total_set``."""
    return {e for t in total_set for e in SCALE if 3 <= t - e <= 12}


def test_two_looks_at_the_same_request_pin_nothing_either():
    """Results at 3 answers and again at 6: four answers the requester's, two colleagues'.

    The requester sees the band for the first three, then for all six. Enumerated by totals
    (the rule depends only on them): own totals through their held sums, every colleague pair.
    """
    for first, second in itertools.product(range(10, 31), repeat=2):
        own_first = [first // 2, first - first // 2]
        own_second = [second // 2, second - second // 2]
        views = defaultdict(lambda: (set(), set()))
        for c, f in itertools.product(TOTALS, repeat=2):
            seen = (shown([*own_first, c]), shown([*own_first, c, *own_second, f]))
            views[seen][0].add(c)
            views[seen][1].add(f)
        for colleague_totals in (t for pair in views.values() for t in pair):
            assert len(_possible(colleague_totals)) >= 2, (first, second, colleague_totals)


def test_all_top_answers_are_not_read_back():
    """Three people answering 4 everywhere: the page must not show that they did."""
    seen = shown([16, 16, 16])
    totals = [t for t in itertools.product(TOTALS, repeat=3) if shown(list(t)) == seen]
    for person in range(3):
        assert _possible({t[person] for t in totals}) >= {3, 4}


# ---------------------------------------------------------------- through the pages


@pytest.fixture
def requester(app, users, auth):
    load_reference()
    assess(users["member"], lambda i: 2)
    return users["member"]


def _path(link: str) -> str:
    return link.split("localhost", 1)[1]


def _answers(by_dimension: dict[str, tuple[int, ...]]) -> dict[str, str]:
    fw = lqf.framework()
    return {e.code: str(by_dimension[d.code][i])
            for d in fw.dimensions for i, e in enumerate(d.elements)} | {"send": "1"}


def _invite(client, auth, mailbox, requester, addresses) -> dict[str, str]:
    auth.login(requester.email)
    response = client.post("/me/feedback", data={"emails": "\n".join(addresses)})
    assert response.status_code == 302, response.get_data(as_text=True)
    auth.logout()
    return {a: _path(mailbox.last_link(a)) for a in addresses}


def _answer_as(client, auth, address, path, answers) -> None:
    auth.login(address)
    response = client.post(path, data=answers)
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    auth.logout()


def _page_bands(client, auth, requester) -> dict[str, Fraction]:
    """The colleagues' column of the results page, by dimension code."""
    auth.login(requester.email)
    html = client.get("/me/feedback/results").get_data(as_text=True)
    auth.logout()
    table = re.search(r'<table class="compare-table" id="colleagues-by-area">(.*?)</table>',
                      html, re.S).group(1)
    cells = dict(re.findall(
        r'<tr><th scope="row">([^<]+)</th>(?:<td>[^<]*</td>)?<td>([^<]+)</td></tr>', table))
    fw = lqf.framework()
    # Nothing per element anywhere on the page: no element code, no element name.
    # (Codes as whole words: a random token on the page may contain "PQ1" by chance.)
    for e in (e for d in fw.dimensions for e in d.elements):
        assert not re.search(rf"\b{e.code}\b", html) and e.name not in html
    return {d.code: Fraction(cells[d.name]) for d in fw.dimensions}


COLLEAGUE = "colleague@example.org"
MINE = ["mina.home@example.org", "mina.work@example.org"]  # addresses the requester controls


def test_answering_from_your_own_addresses_is_refused(client, auth, mailbox, requester):
    """The attack as filed: two own addresses and one colleague. The requester can't answer."""
    make_user(email=COLLEAGUE)
    links = _invite(client, auth, mailbox, requester, [*MINE, COLLEAGUE])
    every_4 = _answers({d.code: (4, 4, 4, 4) for d in lqf.framework().dimensions})
    for address in MINE:
        # Not signed in: the link asks them to sign in, and takes no answers.
        assert 'name="PQ1"' not in client.get(links[address]).get_data(as_text=True)
        assert client.post(links[address], data=every_4).status_code != 302
        # Signed in as the requester: refused.
        auth.login(requester.email)
        assert client.post(links[address], data=every_4).status_code == 403
        auth.logout()
    _answer_as(client, auth, COLLEAGUE, links[COLLEAGUE], every_4)
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRater.id))
                             .where(FeedbackRater.submitted_at.is_not(None))) == 1
    auth.login(requester.email)
    assert client.get("/me/feedback/results").status_code == 302  # nothing to read back


# The requester's two confirmed sock-puppet accounts answer to corner the colleague, one
# strategy per dimension; each would pin the colleague down under a plain average or rounding.
PUPPETS = {
    "PQ": ((2, 2, 2, 2), (2, 2, 2, 2)),  # a band edge just above all 1s
    "WO": ((3, 3, 3, 2), (3, 3, 3, 3)),  # a band edge just below all 4s
    "MS": ((1, 1, 1, 1), (4, 4, 4, 4)),
    "IS": ((4, 4, 4, 4), (4, 4, 4, 4)),
    "SD": ((1, 1, 1, 1), (1, 1, 1, 1)),
    "CV": ((1, 1, 1, 2), (1, 1, 1, 1)),
    "DS": ((3, 1, 4, 2), (2, 2, 3, 3)),
}
COLLEAGUE_ANSWERS = {
    "PQ": (1, 1, 1, 1), "WO": (4, 4, 4, 4), "MS": (1, 2, 3, 4), "IS": (1, 1, 1, 1),
    "SD": (4, 4, 4, 4), "CV": (2, 1, 1, 1), "DS": (4, 3, 1, 1),
}


def test_sock_puppet_accounts_recover_no_element(client, auth, mailbox, requester):
    """The residual risk: two real accounts the requester controls. Dimension level only."""
    for address in [*MINE, COLLEAGUE]:
        make_user(email=address)
    links = _invite(client, auth, mailbox, requester, [*MINE, COLLEAGUE])
    for n, address in enumerate(MINE):
        _answer_as(client, auth, address, links[address],
                   _answers({code: pair[n] for code, pair in PUPPETS.items()}))
    _answer_as(client, auth, COLLEAGUE, links[COLLEAGUE], _answers(COLLEAGUE_ANSWERS))
    page = _page_bands(client, auth, requester)
    for code, (first, second) in PUPPETS.items():
        known = [sum(first), sum(second)]
        truth = COLLEAGUE_ANSWERS[code]
        assert page[code] == shown([*known, sum(truth)]), f"{code}: the page follows the rule"
        assert pinned(shown, known, page[code]) == [], f"{code}: an element is pinned"
        if code in ("PQ", "WO"):  # the control: these corner a plain rounding
            plain = plain_rounding([*known, sum(truth)])
            assert pinned(plain_rounding, known, plain) == [0, 1, 2, 3], code


def test_all_top_answers_from_three_colleagues_are_not_read_back(client, auth, mailbox,
                                                                  requester):
    colleagues = ["ann@example.org", "bob@example.org", "cat@example.org"]
    for address in colleagues:
        make_user(email=address)
    links = _invite(client, auth, mailbox, requester, colleagues)
    every_4 = _answers({d.code: (4, 4, 4, 4) for d in lqf.framework().dimensions})
    for address in colleagues:
        _answer_as(client, auth, address, links[address], every_4)
    page = _page_bands(client, auth, requester)
    for code, seen in page.items():
        assert seen == shown([16, 16, 16]), code
        totals = [t for t in itertools.product(TOTALS, repeat=3) if shown(list(t)) == seen]
        for person in range(3):
            assert 3 in _possible({t[person] for t in totals}), code
