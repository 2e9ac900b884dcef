"""Demo discussions and leadership stories: threads with replies in the demo member's local
network, a few other local networks and an affinity network the demo member is in; one post
reported to the leads; stories shared with everyone or a network, one featured on the demo
member's network page, with thanks. Called from demo_networks.seed_networks."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa

from netapp.data.lqf import LQF_CODE
from netapp.extensions import db
from netapp.models import (
    Dimension,
    DiscussionPost,
    DiscussionThread,
    Framework,
    Network,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    PostReport,
    Story,
    StoryThanks,
    story_dimensions,
)

OTHER_NETWORKS = 5  # besides the demo member's, the local networks with the most members

THREADS = (
    ("Covering nights over Christmas", "How is everyone planning **night cover** over the "
     "holidays? Our bank staff are already booked up."),
    ("CQC inspection: what did they ask you?", "We're expecting our inspection in the next "
     "few months. If you've had one this year, what did they focus on?"),
    ("Keeping good staff", "We've lost three carers since the summer, all to supermarkets. "
     "What has *actually* helped you keep people?"),
    ("Moving to digital care records", "We're choosing a digital care records system. Which "
     "one do you use, and what would you do differently?"),
    ("Supporting families through end of life care", "A hard few weeks here. How do you look "
     "after your team as well as the family?"),
    ("Fee rates from the council", "Has anyone had their fee uplift confirmed yet? Ours is "
     "still 'under review'."),
    ("First year as a manager", "I took over as Registered Manager in the spring. What do you "
     "wish someone had told you in your first year?"),
)
REPLIES = (
    "We had the same problem. What helped most was asking staff to choose their shifts early, "
    "with a small bonus for the hardest nights.",
    "Thanks for asking this. Following with interest.",
    "Happy to share our plan if it helps. Send me a hello from my profile.",
    "Our local network did a session on this last year. The slides are worth a look:\n\n"
    "- start early\n- talk to families\n- write it down",
    "> What has actually helped you?\n\nHonestly: listening, and fixing the rota when people "
    "say it doesn't work for them.",
    "We use one of the bigger systems. Training took longer than we thought, but it's worth "
    "it now.",
    "Same here. It helps to know it's not just us.",
    "I'd say: ask for help sooner than you think you need it. This network is a good place "
    "for that.",
)
AFFINITY_THREADS = (
    ("Being the only one in the room", "At provider meetings I'm often the only manager who "
     "looks like me. How do you handle it?"),
    ("Mentors who get it", "Has anyone found a mentor through the network? How did you ask?"),
)
STORIES = (
    ("The night the boiler failed", "In January our boiler failed at 2am with 30 people "
     "asleep.\n\nI called the on-call engineer, then my deputy, then every family. By morning "
     "we had heaters in every room and a plan on the wall.\n\n**What I learned:** the plan "
     "only worked because the team already trusted each other.", ("MS", "WO")),
    ("Turning round a poor inspection", "We were rated *requires improvement*. Instead of a "
     "long action plan, we chose three things and did them well.\n\nA year later we were "
     "rated good.", ("IS", "SD")),
    ("Listening to night staff", "Our night staff felt nobody heard them. I started coming in "
     "at 6am once a month to have breakfast with them. Small thing, big change.",
     ("PQ", "WO")),
    ("Building a new service from scratch", "We opened a supported living service last year. "
     "I wrote down what we wanted it to feel like before we wrote any policies.",
     ("CV", "DS")),
    ("Saying no to a placement", "I turned down a placement we couldn't safely support. It "
     "was the right call, and I explained why to the commissioner.", ("PQ", "MS")),
    ("Learning to delegate", "For years I did the rota myself. Handing it to a senior carer "
     "was hard, and it freed a day a week.", ("MS", "PQ")),
)
REPORT_REASON = "This names a resident. Could a lead take a look?"


def seed_discussions(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
                     now: datetime) -> None:
    """Bulk inserts, no commit."""
    staff = {special["admin"], special["coordinator"]}
    by_council: dict[int, list[int]] = defaultdict(list)
    for row in profile_rows:
        if row["user_id"] not in staff:
            by_council[row["local_authority_id"]].append(row["user_id"])
    local = dict(db.session.execute(
        sa.select(Network.local_authority_id, Network.id)
        .where(Network.kind == NetworkKind.LOCAL)).all())
    member = special["member"]
    home = next(r["local_authority_id"] for r in profile_rows if r["user_id"] == member)
    others = sorted((c for c in by_council if c != home and c in local),
                    key=lambda c: (-len(by_council[c]), c))[:OTHER_NETWORKS]
    places = [(local[home], by_council[home], THREADS)]
    places += [(local[c], by_council[c], rng.sample(THREADS, k=3)) for c in others]
    affinity = db.session.scalars(
        sa.select(NetworkMembership.network_id).join(Network)
        .where(NetworkMembership.user_id == member, Network.kind == NetworkKind.AFFINITY)
        .order_by(NetworkMembership.network_id)).first()
    if affinity is not None:
        fellows = list(db.session.scalars(
            sa.select(NetworkMembership.user_id)
            .where(NetworkMembership.network_id == affinity)
            .order_by(NetworkMembership.user_id).limit(40)))
        places.append((affinity, fellows, AFFINITY_THREADS))

    post_ids = _seed_threads(rng, places, member, now)
    _seed_report(rng, post_ids, member, now)
    _seed_stories(rng, by_council[home], local[home], member, now)


def _seed_threads(rng, places, member, now) -> dict[int, list[tuple[int, int]]]:
    """Threads and replies; returns {network id: [(post id, author id)]}."""
    threads, posts_of = [], []
    for network_id, people, topics in places:
        if len(people) < 2:
            continue
        for n, (title, body) in enumerate(topics):
            started = now - timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 12))
            starter = member if (n == 0 and member in people) else rng.choice(people)
            replies = rng.randint(1, 7)
            when = started
            posts = [(starter, body, started)]
            for _ in range(replies):
                when = min(now - timedelta(minutes=40),
                           when + timedelta(hours=rng.randint(1, 30)))
                posts.append((rng.choice(people), rng.choice(REPLIES), when))
            threads.append({"network_id": network_id, "author_id": starter, "title": title,
                            "created_at": started, "last_post_at": when,
                            "post_count": len(posts)})
            posts_of.append(posts)
    ids = list(db.session.scalars(
        sa.insert(DiscussionThread).returning(DiscussionThread.id, sort_by_parameter_order=True),
        threads))
    rows = [{"thread_id": tid, "author_id": author, "body": body, "created_at": at}
            for tid, posts in zip(ids, posts_of, strict=True) for author, body, at in posts]
    post_ids = list(db.session.scalars(
        sa.insert(DiscussionPost).returning(DiscussionPost.id, sort_by_parameter_order=True),
        rows))
    by_network: dict[int, list[tuple[int, int]]] = defaultdict(list)
    thread_network = {tid: t["network_id"] for tid, t in zip(ids, threads, strict=True)}
    for post_id, row in zip(post_ids, rows, strict=True):
        by_network[thread_network[row["thread_id"]]].append((post_id, row["author_id"]))
    return by_network


def _seed_report(rng, post_ids, member, now) -> None:
    """One open report on a reply by someone else, from someone who is neither its author nor
    a lead nor the demo member: in the first network that has a lead (so a lead has something
    to look at), else the demo member's own network."""
    leads = defaultdict(set)
    for network_id, user_id in db.session.execute(
            sa.select(NetworkLead.network_id, NetworkLead.user_id)):
        leads[network_id].add(user_id)
    order = sorted(post_ids, key=lambda n: not leads[n])  # stable: the demo member's first
    for network_id in order:
        posts = post_ids[network_id]
        authors = {a for _, a in posts}
        replies = posts[1:]
        for post_id, author in rng.sample(replies, k=len(replies)):
            if author in leads[network_id] or author == member:
                continue
            reporters = sorted(authors - {author, member} - leads[network_id])
            if reporters:
                db.session.execute(sa.insert(PostReport), [{
                    "post_id": post_id, "reporter_id": rng.choice(reporters),
                    "reason": REPORT_REASON, "created_at": now - timedelta(hours=3)}])
                return


def _seed_stories(rng, home_people, home_network, member, now) -> None:
    dims = dict(db.session.execute(
        sa.select(Dimension.code, Dimension.id).join(Framework)
        .where(Framework.code == LQF_CODE)).all())
    writers = [p for p in home_people if p != member] or [member]
    rows = []
    for n, (title, body, _) in enumerate(STORIES):
        author = member if n == 2 else rng.choice(writers)
        rows.append({
            "author_id": author, "network_id": home_network if n in (0, 3) else None,
            "title": title, "body": body,
            "created_at": now - timedelta(days=3 + 5 * n, hours=rng.randint(0, 10)),
            # The first, shared with the demo member's network, is featured on its page.
            "featured_at": now - timedelta(days=1) if n == 0 else None,
        })
    ids = list(db.session.scalars(
        sa.insert(Story).returning(Story.id, sort_by_parameter_order=True), rows))
    tags = [{"story_id": sid, "dimension_id": dims[code]}
            for sid, (_, _, codes) in zip(ids, STORIES, strict=True) for code in codes
            if code in dims]
    if tags:
        db.session.execute(sa.insert(story_dimensions), tags)
    thanks = set()
    readers = [p for p in home_people if p != member] or [member]
    for sid, row in zip(ids, rows, strict=True):
        for user_id in rng.sample(readers, k=min(len(readers), rng.randint(1, 9))):
            if user_id != row["author_id"]:
                thanks.add((sid, user_id))
        if row["author_id"] != member and rng.random() < 0.5:
            thanks.add((sid, member))
    if thanks:  # an empty list would insert one row of defaults
        db.session.execute(sa.insert(StoryThanks), [
            {"story_id": sid, "user_id": uid, "created_at": now - timedelta(hours=1)}
            for sid, uid in sorted(thanks)])
