"""Learning resources for the LQF elements, and which elements each support topic touches.

Every link is a specific page from a public body the strategy names (Skills for Care, SCIE,
CQC, the NHS Leadership Academy, NICE, GOV.UK) or a close partner, each one seen published;
none is a guessed deep link. Five elements have none yet (MS1, MS2, SD3, DS1, DS4): better a gap
an admin can fill than a made-up page. A page can serve several elements; each element gets its
own row, so admins can edit one without touching the others.
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
     "Free", 3, 4,
     "https://skillsforcare.org.uk/Support-for-leaders-and-managers/Good-and-outstanding-care/"
     "inspection-toolkit/Topic-focus.aspx?kloe=well-led-2&topic=shared-direction-and-culture"),
    (("IS2", "IS3", "SD4"),
     "Skills for Care inspection toolkit: Learning, improvement and innovation",
     "How to show CQC that you check quality, find what to improve, make the change and "
     "measure the difference it made.", "2-minute film and a short read", "Free", 2, 4,
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
     "through culture, structure, practice and review.", "10-minute read", "Free", 2, 4,
     "https://www.scie.org.uk/co-production/scie/charter/"),
    (("MS3", "PQ3"), "Research in Practice: Supervision, brief guide",
     "What good supervision in adult social care is, how often, and how it helps workers "
     "reflect and improve their practice.", "10-minute read", "Free", 2, 3,
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
     "Free", 2, 4, "https://www.nice.org.uk/guidance/sc1"),
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
