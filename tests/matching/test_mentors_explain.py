"""Explanations, reasons and the summary are plain English for a coordinator and a mentee."""


import pytest

from matching import Mentee, Mentor, match_mentors, suggest_mentors
from matching.mentors import summarise_matches
from matching.topics import TOPIC_NAMES, topic_name

LQF = (2,) * 28


def mentee(pid="e1", org="A", *, needs=(), lqf=LQF, level=2, online=True, region="London"):
    return Mentee(pid, org, region, "Camden", "care_home", level, online, lqf, needs)


def mentor(pid="r1", org="B", *, offers=(), lqf=(4,) * 28, level=3, online=True,
           region="London", capacity=1):
    return Mentor(pid, org, region, "Camden", "home_care", level, online, lqf, offers, capacity)


def explanation(me, mt):
    res = match_mentors([me], [mt])
    assert len(res.pairs) == 1
    return res.pairs[0].explanation


def test_topics_are_named_in_words():
    text = explanation(mentee(needs=("business_skills", "cqc_inspection")),
                       mentor(offers=("business_skills", "cqc_inspection")))
    assert "business skills" in text and "CQC inspection readiness" in text
    assert "_" not in text


def test_needs_not_covered_are_named():
    text = explanation(mentee(needs=("finance", "digital", "wellbeing")),
                       mentor(offers=("finance", "wellbeing")))
    assert "Offers help with finance and wellbeing, but not with digital records." in text


@pytest.mark.parametrize("n, words", [(2, "both of your needs"), (3, "all 3 of your needs")])
def test_needs_all_covered_read_naturally(n, words):
    needs = ("finance", "digital", "wellbeing")[:n]
    text = explanation(mentee(needs=needs), mentor(offers=needs))
    assert words in text and "all 2" not in text


def test_lists_of_names_stay_readable():
    text = explanation(mentee(needs=("business_skills", "recruitment_retention", "digital",
                                     "finance")),
                       mentor(offers=("business_skills", "recruitment_retention")))
    assert ("Offers help with business skills, and recruitment and retention, but not with "
            "digital records or finance.") in text


def test_no_needs_covered_says_so():
    text = explanation(mentee(needs=("finance",)), mentor(offers=("digital",)))
    assert "Does not offer help with your need (finance)." in text


def test_no_praise_of_growth_the_mentee_did_not_ask_for():
    # The mentee rates every element 3 (competent): nothing is low in their self-assessment.
    text = explanation(mentee(lqf=(3,) * 28), mentor(lqf=(4,) * 28))
    assert "self-assessment" not in text and "grow" not in text
    low = (1,) + (3,) * 27  # rates only "Developing self awareness" low
    text = explanation(mentee(lqf=low), mentor(lqf=(4,) * 28))
    assert "Developing self awareness, which your self-assessment rates low" in text
    assert "Managing yourself" not in text


def test_unknown_topic_reads_as_words():
    assert topic_name("night_staffing") == "night staffing"
    assert topic_name("cqc_inspection") == "CQC inspection readiness"
    assert set(TOPIC_NAMES) >= {"people_management", "leadership", "business_skills",
                                "communication", "partnership_working"}


def test_coordinators_own_topics_use_their_names():
    me, mt = mentee(needs=("night_staffing", "finance")), mentor(offers=("night_staffing",))
    res = match_mentors([me], [mt], topic_names={"night_staffing": "Staffing at night"})
    assert "Offers help with Staffing at night, but not with finance." in res.pairs[0].explanation
    (s,) = suggest_mentors(me, [mt], topic_names={"night_staffing": "Staffing at night"})
    assert "Staffing at night" in s.explanation
    assert "night staffing" in explanation(me, mt)


def test_suggestions_explain_in_words():
    (s,) = suggest_mentors(mentee(needs=("recruitment_retention",)),
                           [mentor(offers=("recruitment_retention",))])
    assert "recruitment and retention" in s.explanation


def test_blank_organisations_are_never_called_the_same():
    # Everyone's organisation is blank and the mentee meets only in person elsewhere.
    me = mentee(org="", online=False, region="North East")
    res = match_mentors([me], [mentor(org=""), mentor("r2", org=" ")])
    (u,) = res.unmatched
    assert "organisation" not in u.reason
    assert "2 are in another region while one of you meets only in person" in u.reason


def test_reason_names_each_rule_that_rules_mentors_out():
    me = mentee("MR005", org="Care Co")
    res = match_mentors([me], [mentor("MR005", org="care co "), mentor("r2", org=" CARE  co"),
                               mentor("r3", org="Other")], declined=[("MR005", "r3")])
    (u,) = res.unmatched
    assert u.cause == "no_eligible_mentor"
    assert u.reason == ("No eligible mentor: of the 3 mentors with a free place, 1 is this same "
                        "person (the same id in both files), 1 was declined and 1 works in the "
                        "same organisation.")


def test_taken_mentors_reason_is_plain():
    res = match_mentors([mentee("e1"), mentee("e2")], [mentor()])
    (u,) = res.unmatched
    assert u.cause == "mentors_taken"
    assert u.reason == ("The only eligible mentor is taken by other mentees, and no other "
                        "arrangement matches more mentees in total.")


def test_two_taken_mentors_are_both_not_all_two():
    res = match_mentors([mentee(f"e{k}") for k in range(3)], [mentor(), mentor("r2")])
    (u,) = res.unmatched
    assert u.reason.startswith("Both eligible mentors are taken")


def test_summary_in_words():
    mentees = [mentee("e1"), mentee("e2"), mentee("e3", org="B")]
    res = match_mentors(mentees, [mentor()])
    text = summarise_matches(res)
    assert text == ("Everyone who could be matched is matched: 1 of 3. 1 has no eligible mentor "
                    "(the organisation, declined-pair or region rules rule out every mentor "
                    "with a free place); 1 could only be matched by unmatching someone else. "
                    "No other arrangement gives a higher total score.")
    for word in ("bound", "candidate", "round", "CP-SAT", "gap"):
        assert word not in text


def test_summary_when_everyone_is_matched_and_when_nobody_can_be():
    mentees = [mentee(f"e{k}", org=f"O{k}") for k in range(6)]
    res = match_mentors(mentees, [mentor(f"r{k}", org=f"X{k}", capacity=3) for k in range(3)])
    assert summarise_matches(res) == ("All 6 mentees are matched. No other arrangement gives a "
                                      "higher total score.")
    res = match_mentors(mentees, [])
    assert summarise_matches(res) == ("Everyone who could be matched is matched: 0 of 6. 6 are "
                                      "unmatched because no mentor has a free place.")
    assert summarise_matches(match_mentors([], [])) == "There were no mentees to match."
