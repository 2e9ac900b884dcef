"""Learning resources for the LQF elements, and which elements each support topic touches.

Every link is a specific page (never a home page) from a public body the strategy names (Skills
for Care, SCIE, CQC, the NHS Leadership Academy, NICE, GOV.UK, the Local Government Association,
councils, NHS bodies) or a close partner (The King's Fund, the Nuffield Trust, Research in
Practice, the National Dignity Council), each one seen published; none is a guessed deep link.
Every one of the 28 elements has at least one resource for each level of leadership, 1 to 4
(tests/test_learning_resources.py holds that). For the senior dimensions (CV, DS) the level 1 and
2 resources are the readable ones: the national workforce strategy, the 10-year vision, and
films made for whole teams. A page can serve several elements; each element gets its own row, so
admins can edit one without touching the others.

These are demo data: `flask seed-demo` loads them into an empty table (scripts/serve.sh does so
on a fresh clone). An existing database keeps its own list, which its admins edit.
"""

# (element codes, title, what you'll learn, time it takes, cost, levels from..to, exact page)
# Levels are the profile's levels of leadership: 1 front-line worker .. 4 strategic leader.
RESOURCES = (
    (("MS3", "MS4", "WO4"), "Skills for Care: Effective supervision",
     "How to plan and run supervision that supports staff and keeps standards up: the "
     "supervisor's role, reflective practice, and templates to prepare.",
     "30-minute webinar, then the guide at your own pace", "Free guide; workbook edition paid",
     2, 4, "https://www.skillsforcare.org.uk/Leadership-management/managing-people/supervision/"
     "Supervision.aspx"),
    (("PQ3", "MS3"), "Skills for Care: Developing new managers and deputies",
     "A step-by-step route for growing future team leaders, deputies and managers, with "
     "checklists, the formal programmes and qualifications, and the funding available.",
     "About an hour to read; use the checklists over months", "Free", 2, 3,
     "https://www.skillsforcare.org.uk/Leadership-management/developing-leaders-and-managers/"
     "Developing-new-managers-and-deputies/guide/Developing-new-managers-and-deputies.aspx"),
    (("MS3",), "Skills for Care: Values-based recruitment, what does it actually mean?",
     "What recruiting for values, behaviours and attitudes means in practice, and why it lowers "
     "turnover and recruitment costs.", "6-minute read", "Free", 2, 4,
     "https://www.skillsforcare.org.uk/news-and-events/blogs/"
     "values-based-recruitment-what-does-it-actually-mean"),
    (("CV4", "CV1", "MS3"), "Skills for Care: Planning to recruit for values",
     "How to agree your own workplace values first, with an example values framework, a mapping "
     "document, a checklist and a culture toolkit.", "20 minutes, then team activities",
     "Free", 3, 4,
     "https://www.skillsforcare.org.uk/Recruitment-retention/planning-your-recruitment/"
     "planning-to-recruit-for-values.aspx"),
    (("CV1", "CV3", "CV4"), "Skills for Care inspection toolkit: Shared direction and culture",
     "What CQC looks for in a service's vision, values and culture under Well-led, including "
     "closed cultures and how leaders set an open one.", "2-minute film and a short read",
     "Free", 1, 4,
     "https://skillsforcare.org.uk/Support-for-leaders-and-managers/Good-and-outstanding-care/"
     "inspection-toolkit/Topic-focus.aspx?kloe=well-led-2&topic=shared-direction-and-culture"),
    (("IS2", "IS3", "SD4"),
     "Skills for Care inspection toolkit: Learning, improvement and innovation",
     "How to show CQC that you check quality, find what to improve, make the change and "
     "measure the difference it made.", "2-minute film and a short read", "Free", 1, 4,
     "https://skillsforcare.org.uk/Support-for-leaders-and-managers/Good-and-outstanding-care/"
     "inspection-toolkit/Topic-examples.aspx?kloe=well-led-2&topic="
     "learning-improvement-and-innovation-1&type=Case+study"),
    (("PQ1", "WO2", "PQ3"), "NHS Leadership Academy: The Edward Jenner programme",
     "A first course in leadership: your values, self-awareness (the Johari window), levels of "
     "listening, and giving and receiving feedback.",
     "Launch about 5 hours; Foundations about 35 hours over 6 weeks or more",
     "Free, online (register first)", 1, 3,
     "https://www.leadershipacademy.nhs.uk/programmes/the-edward-jenner-programme/"
     "programme-structure/"),
    (("IS4", "DS3", "DS2"), "NHS Leadership Academy: The Rosalind Franklin programme",
     "For leaders of large or complex services: leading change, improvement and systems of "
     "care, learnt through your own work, workshops and impact groups.",
     "9 months, about 4 to 5 hours a week", "Check the page (application needed)", 3, 4,
     "https://leadershipacademy.nhs.uk/programmes/rosalind-franklin-programme/structure/"),
    (("PQ4", "IS1"), "CQC: Updated guidance on meeting the duty of candour",
     "What the duty of candour asks of you when something goes wrong: telling people, support, "
     "truthful information and an apology that isn't an admission of liability.",
     "5-minute read, then the guidance", "Free", 2, 4,
     "https://www.cqc.org.uk/news/stories/updated-guidance-meeting-duty-candour"),
    (("WO3", "CV2"), "SCIE: Co-production charter",
     "What working with people who use services and carers as equal partners looks like, "
     "through culture, structure, practice and review.", "10-minute read", "Free", 1, 4,
     "https://www.scie.org.uk/co-production/scie/charter/"),
    (("MS3", "PQ3"), "Research in Practice: Supervision, brief guide",
     "What good supervision in adult social care is, how often, and how it helps workers "
     "reflect and improve their practice.", "10-minute read", "Free", 1, 3,
     "https://www.researchinpractice.org.uk/adults/publications/2019/july/"
     "supervision-brief-guide-2019/"),
    (("WO4", "PQ2", "PQ4"), "GOV.UK care workforce pathway: Supervisor or leader",
     "The values and behaviours expected of team leaders in adult social care: fairness, "
     "resilience, organising time-sensitive work and building relationships.",
     "15-minute read", "Free", 1, 2,
     "https://gov.uk/government/publications/care-workforce-pathway-for-adult-social-care/"
     "supervisor-or-leader-role-category-c"),
    (("IS1",), "e-Learning for Healthcare: Safeguarding adults",
     "Recognising and responding to abuse and neglect, at the level your role needs (levels 1 "
     "to 3).", "Each level's module takes about an hour", "Free (register on the elfh Hub)",
     1, 3, "https://e-lfh.org.uk/programmes/safeguarding-adults"),
    (("IS1", "SD2"), "NICE guideline SC1: Managing medicines in care homes",
     "The evidence-based good practice for medicines policies, records, reviews, "
     "self-administration and staff competence.", "30 minutes for the recommendations",
     "Free", 1, 4, "https://www.nice.org.uk/guidance/sc1"),
    (("WO1",), "Care Talk: Ensuring our sector's registered managers are supported",
     "Skills for Care on why peer support matters, and how the 145 local Registered Manager "
     "networks across England give managers a safe space to share.", "5-minute read", "Free",
     2, 4, "https://www.caretalk.co.uk/learn/ensuring-our-sectors-registered-managers-are-"
     "supported/"),
    (("CV2", "SD1", "DS2"), "The King's Fund: Place-based partnerships and integrated care",
     "How local partnerships in integrated care systems work, and the principles leaders use "
     "to shape care beyond their own organisation.", "20-minute overview; full report longer",
     "Free", 3, 4,
     "https://www.kingsfund.org.uk/insight-and-analysis/reports/"
     "place-based-partnerships-integrated-care-systems"),
    # Front-line workers (level 1) and the elements the original list left empty.
    (("CV4", "WO2", "IS3", "PQ4"), "GOV.UK care workforce pathway: Care or support worker",
     "The values every care worker is expected to live by, and how they show day to day: "
     "honesty, respect, good relationships, openness to new and digital ways of working.",
     "20-minute read", "Free", 1, 1,
     "https://gov.uk/government/publications/care-workforce-pathway-for-adult-social-care/"
     "care-or-support-worker-role-category"),
    (("MS3", "SD3", "PQ3"), "GOV.UK care workforce pathway: Deputy manager",
     "What a deputy does: supporting and developing staff, helping the registered manager "
     "make important decisions, running the service in their absence, and the route onwards.",
     "20-minute read", "Free", 2, 3,
     "https://gov.uk/government/publications/care-workforce-pathway-for-adult-social-care/"
     "deputy-manager-role-category"),
    (("MS1", "SD3"), "GOV.UK care workforce pathway: Registered manager",
     "The legal duties of the role and what running a service asks of you: the day-to-day "
     "running, meeting CQC requirements and taking informed decisions about how it operates.",
     "20-minute read", "Free", 3, 4,
     "https://gov.uk/government/publications/care-workforce-pathway-for-adult-social-care/"
     "registered-manager-role-category"),
    (("MS1", "MS2"), "Skills for Care: What is workforce planning and why is it important?",
     "Planning the team you need now and next year within your budget, using the seven "
     "'rights': people, culture, size, shape, place, capability and cost.",
     "5-minute read", "Free", 2, 4,
     "https://www.skillsforcare.org.uk/news-and-events/blogs/"
     "what-is-workforce-planning-and-why-is-it-important"),
    (("MS1", "DS1", "DS2"), "Local Government Association: Workforce planning in a place",
     "How councils and partners plan the whole care workforce of an area together, most of "
     "it employed by independent providers, and where to start when it feels too big.",
     "15-minute read", "Free", 4, 4,
     "https://www2.local.gov.uk/publications/briefing-workforce-planning-place"),
    (("CV1", "CV3", "DS4"), "The King's Fund: Exploring CQC's well-led domain",
     "For boards and senior leaders: a compelling vision, clear governance, an open culture, "
     "engaged staff and continuous learning, and how to win commitment to the direction.",
     "15-minute summary; the full paper takes longer", "Free", 4, 4,
     "https://www.kingsfund.org.uk/publications/exploring-cqcs-well-led-domain"),
    (("SD1", "DS1", "DS2", "CV2"), "Skills for Care: Workforce Strategy, executive summary",
     "Why adult social care must change (an ageing population, vacancies, competition for "
     "staff) and how the sector framed a 15-year strategy together, people who use care too.",
     "15-minute read", "Free", 1, 4,
     "https://skillsforcare.org.uk/Workforce-Strategy/Overview/Executive-summary.aspx"),
    (("DS3", "DS4", "SD4"), "Skills for Care: Workforce Strategy, putting it into practice",
     "How a strategy moves from paper to action: who holds which lever, a delivery board, "
     "employers who act as advocates, and tracking the difference it makes.",
     "10-minute read", "Free", 1, 4,
     "https://skillsforcare.org.uk/Workforce-Strategy/Implementation/Implementation.aspx"),
    (("DS2", "DS3"), "Local Government Association: National workforce strategy and priorities",
     "How councils, directors of adult social services and Skills for Care line up local "
     "workforce priorities with the national strategy, and what that means for commissioners.",
     "10-minute read", "Free", 3, 4,
     "https://www2.local.gov.uk/our-support/partners-care-and-health/adult-social-care-workforce/"
     "workforce-planning-hub/national"),
    (("SD3", "SD2"), "NICE guideline NG197: Shared decision making",
     "How to reach decisions together with the person: talking through options, risks and "
     "benefits in their own terms, and how leaders build the habit into a whole organisation.",
     "30 minutes for the recommendations", "Free", 1, 4,
     "https://www.nice.org.uk/guidance/ng197/chapter/Recommendations"),
    (("SD3", "IS1"), "Devon County Council: Mental Capacity Act, best interests decisions",
     "What to weigh when someone cannot make a particular decision themselves: the checklist, "
     "their wishes and beliefs, who to consult and the least restrictive choice.",
     "15-minute read", "Free", 1, 3,
     "https://new.devon.gov.uk/care-and-health/guide/mca-practice-guidance/"
     "part-8-best-interest-decisions/"),
    (("PQ2",), "Skills for Care: Your wellbeing really does matter",
     "Why managers who look after themselves care better for others, and the wellbeing "
     "guide Skills for Care wrote to help registered managers put themselves on the list.",
     "5-minute read", "Free", 2, 4,
     "https://www.skillsforcare.org.uk/About/Blog/Article/Your-wellbeing-really-does-matter.aspx"),
    (("CV2", "SD1"), "East Sussex County Council: People at the Heart of Care, a summary",
     "The government's 10-year vision for adult social care in plain terms: choice and "
     "control, outstanding care, fair access, and what it means for people working in care.",
     "15-minute read", "Free", 1, 4,
     "https://www.eastsussex.gov.uk/social-care/providers/funding/heart-of-care-white-paper"),
    (("PQ4", "MS4", "PQ3"), "Skills for Care: Code of Conduct for care workers",
     "The standard of behaviour expected of every care worker, and how to use it to check "
     "your own practice, set objectives and shape development reviews.",
     "20 minutes; an audio version is there too", "Free", 1, 3,
     "https://www.skillsforcare.org.uk/Leadership-management/managing-people/code-of-conduct/"
     "Code-of-Conduct.aspx"),
    (("PQ1", "PQ3", "WO2", "CV3"), "NHS Leadership Academy: The Healthcare Leadership Model",
     "Nine dimensions of leadership, from leading with care to sharing the vision, for anyone "
     "with or without a formal role; a self-assessment shows your strengths and next steps.",
     "At your own pace, one dimension at a time",
     "Self-assessment free; 360° feedback £40", 1, 4,
     "https://midlands.leadershipacademy.nhs.uk/resources/healthcare-leadership-model/"),
    (("MS2",), "GOV.UK: Learning and Development Support Scheme, a guide for employers",
     "How to claim back what you spend on eligible courses and qualifications for care staff, "
     "deputies and registered managers: who qualifies, the limits and the deadlines.",
     "20-minute read", "Free", 2, 4,
     "https://gov.uk/government/publications/adult-social-care-learning-and-development-support-"
     "scheme/learning-and-development-support-scheme-for-the-adult-social-care-workforce-a-guide-"
     "for-employers"),
    (("WO1", "CV4"), "National Dignity Council: Dignity Champions and their network",
     "How care workers, managers and the public join a national network of Dignity Champions "
     "to share good practice, challenge poor care and mark Dignity Action Day.",
     "5-minute read", "Free to join", 1, 4,
     "https://www.dignityincare.org.uk/Resources/Type/"
     "The-National-Dignity-Council-is-the-lead-body-in-taking-forward-the-Dignity-in-Care-"
     "Campaign/"),
    (("MS1",), "Manchester provider procedures: Care and support planning",
     "Planning care with the person after their assessment: their needs and the outcomes they "
     "want, keeping them involved throughout, and reviewing the plan.",
     "15-minute read", "Free", 1, 2,
     "https://www.manchproviderappp.co.uk/care-and-support-planning/"),
    (("IS4", "IS3"), "Nuffield Trust: Developing the digital skills of the social care workforce",
     "How home care agencies trained care staff to use new technology to check people's vital "
     "signs, what it took, and how new skills changed their jobs.",
     "20-minute read", "Free", 1, 3,
     "https://www.nuffieldtrust.org.uk/research/developing-the-digital-skills-of-the-social-care-"
     "workforce"),
    (("MS2",), "NHS Lancashire and South Cumbria: Guide to CQC's environmental sustainability",
     "What CQC's statement on environmental sustainability asks, and everyday ways to use less "
     "and waste less; written for GP practices, the statement is the same for care services.",
     "10-minute read", "Free", 1, 4,
     "https://www.lancashireandsouthcumbria.icb.nhs.uk/GreenerNHS/primary-care/gp-practices/"
     "guide-new-cqc-environmental-sustainability-requirements"),
)

# Support topic code -> the LQF elements where help with that topic shows.
TOPIC_ELEMENTS = {
    "people_management": ("MS3", "MS4", "WO4"),
    "leadership": ("PQ1", "PQ3", "CV4"),
    "business_skills": ("MS1", "MS2", "SD3"),
    "communication": ("WO2", "WO3", "CV3"),
    "safeguarding": ("IS1", "PQ4"),
    "cqc_inspection": ("IS1", "IS2", "MS4", "CV4"),
    "recruitment_retention": ("MS3", "CV4"),
    "finance": ("MS2", "MS1"),
    "dementia_care": ("IS1", "SD2"),
    "digital": ("SD1", "IS3"),
    "wellbeing": ("PQ2", "WO4"),
    "quality_improvement": ("IS2", "IS3", "SD4"),
    "partnership_working": ("WO1", "CV2"),
}
