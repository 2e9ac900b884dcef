"""Values-based interview questions for the recruitment kit, two or more per LQF element.

Our own wording, drawn from what each element is about (netapp/data/lqf.py). Each question asks
for a real example, so the answer shows values in action rather than a rehearsed ideal.
Loaded by ``ensure_reference_data`` for an element that has no questions yet; admins edit them.
"""

# Element code -> ((question, what a good answer shows), ...)
QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "PQ1": (
        ("Tell me about a time you found out that the way you came across had upset or worried "
         "someone. What did you do?",
         "Notices their effect on others, owns it without blaming, and changed something as a "
         "result."),
        ("What are you good at in care work, and where do you still need support?",
         "Honest about strengths and limits; names how they ask for help rather than hiding gaps."),
    ),
    "PQ2": (
        ("Describe a shift or a day when everything seemed to go wrong at once. How did you keep "
         "going and keep people safe?",
         "Stays calm, puts people's safety and dignity first, prioritises, and asks for help "
         "when needed."),
        ("How do you look after yourself so that you can care well for others?",
         "Recognises stress in themselves and has healthy ways to manage it; sees rest as part of "
         "good care."),
    ),
    "PQ3": (
        ("Tell me about something you learned recently that changed how you support people.",
         "Curious and keen to learn; can say what changed in practice, not only the course name."),
        ("Tell me about feedback you found hard to hear. What did you do with it?",
         "Listens without defending, reflects, and acts on feedback to improve."),
    ),
    "PQ4": (
        ("Tell me about a time you saw care that was not good enough. What did you do?",
         "Speaks up, puts the person first, follows the right route to raise concerns, and "
         "follows it through."),
        ("Describe a time you made a mistake at work. How did you handle it?",
         "Open and honest about the mistake, tells the right people promptly, learns from it."),
    ),
    "WO1": (
        ("Tell me about a time you worked with someone outside your own team, such as a GP, "
         "a family or another service, to get something right for a person.",
         "Reaches out beyond their own team, builds links and uses them for the person's good."),
        ("How do you find out about support or services that could help the people you care for?",
         "Resourceful and connected; shares what they learn with colleagues."),
    ),
    "WO2": (
        ("Tell me about a time you built trust with someone who was wary of you.",
         "Patient, respectful and consistent; listens first and keeps their word."),
        ("Describe a disagreement with a colleague. How did you keep the working relationship "
         "good?",
         "Deals with conflict respectfully and directly, focuses on people who use services, "
         "repairs the relationship."),
    ),
    "WO3": (
        ("Tell me about a time you helped a person who uses services, or their family, have a say "
         "in their own care.",
         "Sees people as experts in their own lives; gives choice and control, not just "
         "consultation."),
        ("How have you made sure a quieter colleague's ideas were heard?",
         "Notices who is left out, invites their views and gives credit."),
    ),
    "WO4": (
        ("Tell me about a team you were part of that worked really well. What did you bring to "
         "it?",
         "Sees their part in the team, helps others, shares the load and celebrates shared "
         "success."),
        ("Describe a time you covered for a gap in the team or helped a colleague who was "
         "struggling.",
         "Willing, reliable and kind to colleagues, while keeping care safe."),
    ),
    "MS1": (
        ("Tell me how you plan a busy day so that everyone gets the care they need.",
         "Organised and realistic, plans around people's needs and preferences, and adapts when "
         "things change."),
        ("Tell me about a plan that did not work out. What did you change?",
         "Reviews plans honestly, adjusts in time and keeps people informed."),
    ),
    "MS2": (
        ("Tell me about a time you had to make the most of limited time, staff or money.",
         "Uses resources carefully without cutting corners on dignity or safety."),
        ("How do you decide what matters most when there is not enough time for everything?",
         "Prioritises by people's needs and risks, and is open about trade-offs."),
    ),
    "MS3": (
        ("Tell me about someone you helped to learn or grow in their role.",
         "Supports others' development with patience and encouragement, and is glad of their "
         "success."),
        ("Describe a time you had to raise a concern about a colleague's practice.",
         "Fair, respectful and clear; puts people who use services first and supports the "
         "colleague to improve."),
    ),
    "MS4": (
        ("How do you know whether the care you give is good enough?",
         "Checks quality against what matters to people, seeks feedback and acts on it."),
        ("Tell me about a time you noticed standards slipping. What did you do?",
         "Notices early, acts promptly and follows up, without blame."),
    ),
    "IS1": (
        ("Tell me about a time you noticed a risk to someone's safety or wellbeing. What did you "
         "do?",
         "Alert to risk, acts quickly, follows safeguarding procedures and respects the person's "
         "rights and choices."),
        ("How do you balance keeping someone safe with respecting their right to take risks?",
         "Understands positive risk-taking, involves the person, and records and shares "
         "decisions."),
    ),
    "IS2": (
        ("Tell me about something at work you realised was not working. How did you find out, "
         "and what did you do?",
         "Looks honestly at practice, asks people who use services, and suggests changes."),
        ("How would you tell whether a new way of working had made things better for people?",
         "Thinks about evidence and people's own views, not only opinion."),
    ),
    "IS3": (
        ("Tell me about an idea you had, or supported, that made someone's day better.",
         "Creative and positive about change; puts people's experience at the centre."),
        ("How do you respond when a colleague suggests doing things differently?",
         "Open to new ideas, willing to try them and give fair feedback."),
    ),
    "IS4": (
        ("Tell me about a big change at work. How did you help others through it?",
         "Supports colleagues and people who use services through change with patience and clear "
         "explanation."),
        ("What helps you keep going when a change is hard or unpopular?",
         "Keeps the purpose in view, listens to worries and stays constructive."),
    ),
    "SD1": (
        ("What change in social care, locally or nationally, do you think matters most for the "
         "people we support, and why?",
         "Aware of the wider picture and links it to people's lives."),
        ("Tell me about a time a change outside your service affected your work. How did you "
         "respond?",
         "Adapts to change outside their control and keeps people's needs in view."),
    ),
    "SD2": (
        ("Tell me about a time you used guidance, research or good practice to improve care.",
         "Seeks out and applies evidence; can name the source and the difference it made."),
        ("How do you keep up to date with good practice?",
         "Has habits of learning and shares what they find."),
    ),
    "SD3": (
        ("Tell me about a difficult decision you made at work. How did you reach it?",
         "Weighs options fairly, involves the right people, puts people's interests first and "
         "explains the decision."),
        ("Describe a time you had to act quickly without all the information.",
         "Makes sound, safe judgements under pressure and reviews them afterwards."),
    ),
    "SD4": (
        ("Tell me about a change you made. How did you know whether it helped?",
         "Checks the outcome for people rather than assuming, and is honest when it didn't work."),
        ("How do you find out what people who use services think of their care?",
         "Asks people and families directly and acts on what they say."),
    ),
    "CV1": (
        ("What does excellent care look like to you, and how would people here notice it?",
         "A clear, person-centred picture of good care rooted in dignity, choice and respect."),
        ("Tell me about a time you helped shape where a service or team was heading.",
         "Involves others, looks ahead and keeps people who use services at the centre."),
    ),
    "CV2": (
        ("Tell me about a time you influenced care beyond your own service.",
         "Works with partners, networks or commissioners to improve care more widely."),
        ("What would you change about social care in your area, and how would you start?",
         "Realistic ideas for wider change, built with others."),
    ),
    "CV3": (
        ("How would you explain our values to a new member of staff on their first day?",
         "Plain, warm and clear; uses examples people can picture."),
        ("Tell me about a time you got people behind an idea.",
         "Listens, explains why and brings people along rather than imposing."),
    ),
    "CV4": (
        ("Tell me about a moment when you showed our values when nobody was watching.",
         "Values guide their everyday behaviour, not only what they say at interview."),
        ("How do you make sure your own behaviour sets the standard you expect of others?",
         "Leads by example, is consistent and owns their lapses."),
    ),
    "DS1": (
        ("If you had to choose between two good things the service could do next, how would you "
         "decide?",
         "Thinks about people's needs, evidence, resources and risks, and is clear about choices."),
        ("Tell me about a time you had to say no to something worthwhile.",
         "Explains priorities honestly and respectfully."),
    ),
    "DS2": (
        ("Tell me about a plan you made with others rather than for them.",
         "Involves staff, people who use services and partners, and uses evidence."),
        ("How would you find out what people who use services want from our plans?",
         "Practical, inclusive ways of asking, including people who are seldom heard."),
    ),
    "DS3": (
        ("Tell me about a plan you put into action. How did you keep it on track?",
         "Follows through, checks progress and solves problems along the way."),
        ("What do you do when a plan starts to slip?",
         "Notices early, is honest about it and acts without blame."),
    ),
    "DS4": (
        ("Tell me about a change you made that lasted. What made it stick?",
         "Builds change into routines, training and habits; keeps checking it holds."),
        ("How do you help new staff keep up the good practice that is already in place?",
         "Induction, role-modelling and support that keep good practice alive."),
    ),
}
