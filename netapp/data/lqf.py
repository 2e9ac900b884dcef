"""The Leadership Qualities Framework (LQF, 2012) and the support topics, as data.

Loaded into the database by migration 0003 and by ``ensure_reference_data``; another framework
can be added as another entry in ``FRAMEWORKS`` without code changes.
"""

from matching.lqf import DIMENSIONS, ELEMENTS

LQF_CODE = "lqf-2012"

# Plain-English one-liners are our own words. The dimension and element names are the
# framework's and come from matching.lqf, their one source (matching cannot import netapp).
# Dimension code -> (what it is about, mostly for senior leaders, what each element is about).
_ABOUT = {
    "PQ": (
        "How you understand and look after yourself, keep learning and act with integrity.",
        False, (
            "Knowing your strengths, limits and how you affect others.",
            "Organising your time and staying steady under pressure.",
            "Learning from experience, feedback and training.",
            "Being open, honest and fair, and speaking up when care falls short.",
        )),
    "WO": (
        "How you build relationships, networks and teams that get things done.",
        False, (
            "Making links with other managers, services and partners.",
            "Listening, showing respect and building trust.",
            "Helping staff, people who use services and families have their say.",
            "Taking your part in a team and helping it work well together.",
        )),
    "MS": (
        "How you plan, use resources, lead people and keep an eye on performance.",
        False, (
            "Turning goals into clear, realistic plans.",
            "Using money, staff time and buildings wisely.",
            "Recruiting, supporting, supervising and developing your team.",
            "Setting standards, checking progress and acting on problems.",
        )),
    "IS": (
        "How you keep people safe and make care better.",
        False, (
            "Spotting risks and acting to keep people safe.",
            "Looking honestly at what works and what doesn't.",
            "Welcoming new ideas and trying better ways of working.",
            "Leading people through bigger changes.",
        )),
    "SD": (
        "How you read the bigger picture and make sound decisions.",
        False, (
            "Noticing changes in policy, funding and local need.",
            "Using evidence and good practice to guide what you do.",
            "Weighing options and making clear, fair decisions.",
            "Checking whether changes made a difference for people.",
        )),
    "CV": (
        "How you shape and share a picture of what good care looks like. "
        "Mostly for senior leaders.",
        True, (
            "Shaping where your service is heading.",
            "Helping shape care beyond your own service.",
            "Explaining the vision so people understand and share it.",
            "Living the vision in how you behave every day.",
        )),
    "DS": (
        "How you turn a vision into plans that happen and last. Mostly for senior leaders.",
        True, (
            "Setting out the choices a strategy has to make.",
            "Working out the plan with others, based on evidence.",
            "Putting the plan into action and keeping it on track.",
            "Making the changes part of everyday practice.",
        )),
}

LQF = {
    "code": LQF_CODE,
    "name": "Leadership Qualities Framework for adult social care",
    "description": (
        "Seven dimensions of leadership, four elements each, for everyone in adult social care."
    ),
    # What each point of the 1-4 scale means, for every element.
    "levels": (
        (1, "Just starting", "I rarely do this yet, or I'm new to it."),
        (2, "Growing", "I do this sometimes and I'm building confidence."),
        (3, "Confident", "I do this well most of the time."),
        (4, "Strong", "I do this consistently and could help others learn it."),
    ),
    # (code, name, about, senior only, ((element name, about), ...)) per dimension
    "dimensions": tuple(
        (code, DIMENSIONS[code], about, senior,
         tuple((ELEMENTS[f"{code}{k + 1}"], words) for k, words in enumerate(elements)))
        for code, (about, senior, elements) in _ABOUT.items()
    ),
}

FRAMEWORKS = (LQF,)

# Support topics: the strategy's four areas first, then the common topics (domain.md codes).
SUPPORT_AREAS = (
    ("people_management", "People management"),
    ("leadership", "Leadership"),
    ("business_skills", "Business skills"),
    ("communication", "Communication"),
)
OTHER_TOPICS = (
    ("safeguarding", "Safeguarding"),
    ("cqc_inspection", "Getting ready for CQC inspection"),
    ("recruitment_retention", "Recruiting and keeping staff"),
    ("finance", "Finance and budgets"),
    ("dementia_care", "Dementia care"),
    ("digital", "Digital records and technology"),
    ("wellbeing", "Wellbeing, yours and your team's"),
    ("quality_improvement", "Quality improvement"),
    ("partnership_working", "Working in partnership"),
)

# Affinity networks the strategy names. Joining one records explicit consent.
AFFINITY_NETWORKS = (
    ("bame", "Black, Asian and minority ethnic managers network",
     "A space for Black, Asian and minority ethnic Registered Managers to support each other."),
    ("women", "Women managers network",
     "A space for women Registered Managers to share experience and support each other."),
    ("entrepreneurs", "Entrepreneurs network",
     "For managers who own or are starting their own care service."),
)
