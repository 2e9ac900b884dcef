"""The Leadership Qualities Framework (LQF, 2012) and the support topics, as data.

Loaded into the database by migration 0003 and by ``ensure_reference_data``; another framework
can be added as another entry in ``FRAMEWORKS`` without code changes.
"""

LQF_CODE = "lqf-2012"

# Plain-English one-liners are our own words; the dimension and element names are the framework's.
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
    "dimensions": (
        ("PQ", "Demonstrating personal qualities",
         "How you understand and look after yourself, keep learning and act with integrity.",
         False, (
             ("Developing self awareness",
              "Knowing your strengths, limits and how you affect others."),
             ("Managing yourself", "Organising your time and staying steady under pressure."),
             ("Continuing personal development",
              "Learning from experience, feedback and training."),
             ("Acting with integrity",
              "Being open, honest and fair, and speaking up when care falls short."),
         )),
        ("WO", "Working with others",
         "How you build relationships, networks and teams that get things done.",
         False, (
             ("Developing networks", "Making links with other managers, services and partners."),
             ("Building and maintaining relationships",
              "Listening, showing respect and building trust."),
             ("Encouraging contribution",
              "Helping staff, people who use services and families have their say."),
             ("Working within teams",
              "Taking your part in a team and helping it work well together."),
         )),
        ("MS", "Managing services",
         "How you plan, use resources, lead people and keep an eye on performance.",
         False, (
             ("Planning", "Turning goals into clear, realistic plans."),
             ("Managing resources", "Using money, staff time and buildings wisely."),
             ("Managing people", "Recruiting, supporting, supervising and developing your team."),
             ("Managing performance",
              "Setting standards, checking progress and acting on problems."),
         )),
        ("IS", "Improving services",
         "How you keep people safe and make care better.",
         False, (
             ("Ensuring the safety of people who use services",
              "Spotting risks and acting to keep people safe."),
             ("Critically evaluating", "Looking honestly at what works and what doesn't."),
             ("Encouraging improvement and innovation",
              "Welcoming new ideas and trying better ways of working."),
             ("Facilitating transformation", "Leading people through bigger changes."),
         )),
        ("SD", "Setting direction",
         "How you read the bigger picture and make sound decisions.",
         False, (
             ("Identifying the contexts for change",
              "Noticing changes in policy, funding and local need."),
             ("Applying knowledge and evidence",
              "Using evidence and good practice to guide what you do."),
             ("Making decisions", "Weighing options and making clear, fair decisions."),
             ("Evaluating impact", "Checking whether changes made a difference for people."),
         )),
        ("CV", "Creating the vision",
         "How you shape and share a picture of what good care looks like. "
         "Mostly for senior leaders.",
         True, (
             ("Developing the vision for the organisation",
              "Shaping where your service is heading."),
             ("Influencing the vision of the wider social care system",
              "Helping shape care beyond your own service."),
             ("Communicating the vision",
              "Explaining the vision so people understand and share it."),
             ("Embodying the vision", "Living the vision in how you behave every day."),
         )),
        ("DS", "Delivering the strategy",
         "How you turn a vision into plans that happen and last. Mostly for senior leaders.",
         True, (
             ("Framing the strategy", "Setting out the choices a strategy has to make."),
             ("Developing the strategy", "Working out the plan with others, based on evidence."),
             ("Implementing the strategy", "Putting the plan into action and keeping it on track."),
             ("Embedding the strategy", "Making the changes part of everyday practice."),
         )),
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
