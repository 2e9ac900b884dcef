"""Benchmark peer suggestions for everyone on the 25,000-member demo data, against brute force.

Usage: ``python bench/bench_peers.py [--members 25000] [--seed 2026] [--k 5]
[--database-url URL] [--out bench/out/peers.json]``. Without ``--database-url`` it seeds a
SQLite file in a temporary directory (``--postgres`` starts a throwaway PostgreSQL the way
bench/bench_round.py does).

Measured in one run, on the same data:

* reading every local and affinity network's peers and fitting one scikit-learn index per
  network (``peers.build_indexes``), as the app's cache does;
* suggestions for everyone: every member's own query vector (their own scores, service and
  needs, read in bulk) searched in each of their networks with ``peers.nearest``, leaving
  out themselves and anyone dismissed or greeted either way;
* the brute-force reference: every distance between every member and every peer of each of
  their networks, with NumPy, sorted by (distance, id), the same people left out;
* one member's suggestions (``peers.suggestions_for``, the demo member and a member of the
  largest network), with the cache emptied first and then from it, seven times each (median
  and fastest).

It reports both times, their ratio, and agreement: the share of (member, network) lists that
are identical (same people, same order), and whose top-k sets are identical.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from config import TestingConfig  # noqa: E402

CHUNK = 512  # queries per block of the brute-force distance matrix
COLD_RUNS = 7  # one member's suggestions, timed this many times cold and warm


def timed(func, *args, **kwargs):
    t0 = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - t0, value


def brute_force(index, vectors: np.ndarray, members: list[int], leave_out: list[set[int]],
                k: int, decimals: int) -> list[list[int]]:
    """Exact distances to every peer of the network, sorted by (distance, id)."""
    peers_x, ids = index.vectors, index.ids
    out: list[list[int]] = []
    if len(ids) == 0:
        return [[] for _ in members]
    squared = (peers_x ** 2).sum(axis=1)
    for start in range(0, len(members), CHUNK):
        block = vectors[start:start + CHUNK]
        d2 = (block ** 2).sum(axis=1)[:, None] + squared[None, :] - 2.0 * block @ peers_x.T
        dist = np.round(np.maximum(d2, 0.0), decimals)  # squared, as the app compares them
        tie = np.broadcast_to(ids, dist.shape)
        order = np.lexsort((tie, dist), axis=-1)
        for row in range(len(block)):
            left = leave_out[start + row]
            found = []
            for col in order[row]:
                pid = int(ids[col])
                if pid not in left:
                    found.append(pid)
                    if len(found) == k:
                        break
            out.append(found)
    return out


def one_member(peers, user) -> tuple[dict, dict]:
    """``peers.suggestions_for`` with the cache emptied first, then from the cache."""
    cold, warm = [], []
    for _ in range(COLD_RUNS):
        peers.forget_cache()
        cold.append(timed(peers.suggestions_for, user)[0])
        warm.append(timed(peers.suggestions_for, user)[0])
    return ({"median": round(statistics.median(cold), 3), "fastest": round(min(cold), 3)},
            {"median": round(statistics.median(warm), 3), "fastest": round(min(warm), 3)})


def bench(database_url: str, members: int, seed: int, k: int) -> dict:
    from netapp import create_app
    from netapp.extensions import db
    from netapp.models import (
        Network,
        NetworkKind,
        NetworkMembership,
        Organisation,
        PeerDismissal,
        PeerHello,
        Profile,
    )
    from netapp.services import peers
    from netapp.services.demo import seed_demo

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost",
                "HUEY_URL": "immediate", "MAIL_BACKEND": "console"}
    app = create_app(type("BenchConfig", (TestingConfig,), settings))
    with app.app_context():
        db.drop_all()
        db.create_all()
        seconds_seed, _ = timed(seed_demo, members=members, seed=seed)
        load = os.getloadavg()[0]  # the machine may be shared: say how busy it was

        t0 = time.perf_counter()
        network_ids = list(db.session.scalars(sa.select(Network.id).where(
            Network.kind.in_([NetworkKind.LOCAL, NetworkKind.AFFINITY]))))
        indexes = peers.build_indexes(network_ids)
        seconds_build = time.perf_counter() - t0

        # Everyone's own query data, in bulk (the page reads one member's the same way).
        t0 = time.perf_counter()
        space = next(iter(indexes.values())).space
        rows = db.session.execute(
            sa.select(NetworkMembership.network_id, NetworkMembership.user_id)
            .order_by(NetworkMembership.network_id, NetworkMembership.user_id)).all()
        in_network: dict[int, list[int]] = defaultdict(list)
        for nid, uid in rows:
            if nid in indexes:
                in_network[nid].append(uid)
        everyone = sa.select(NetworkMembership.user_id).distinct()
        averages = peers.dimension_averages(everyone, space)
        needs = peers.needs_of(everyone)
        services = dict(db.session.execute(
            sa.select(Profile.user_id, Organisation.service_type)
            .join(Organisation, Organisation.id == Profile.organisation_id)).all())
        left_out: dict[int, set[int]] = defaultdict(set)
        for a, b in db.session.execute(sa.union_all(
                sa.select(PeerDismissal.user_id, PeerDismissal.peer_id),
                sa.select(PeerHello.sender_id, PeerHello.recipient_id))):
            left_out[a].add(b)
            left_out[b].add(a)
        blank = (None,) * len(space.dimensions)
        me = {uid: peers.Person(uid, averages.get(uid, blank),
                                services[uid].value if uid in services else None,
                                needs.get(uid, frozenset()))
              for uid in {u for us in in_network.values() for u in us}}
        queries = {nid: peers.query_vectors([me[u] for u in uids], space)
                   for nid, uids in in_network.items()}
        leave = {nid: [left_out[u] | {u} for u in uids] for nid, uids in in_network.items()}
        seconds_queries = time.perf_counter() - t0

        t0 = time.perf_counter()
        fast = {nid: peers.nearest(indexes[nid].model, indexes[nid].ids, queries[nid], k,
                                   leave[nid])
                for nid in in_network}
        seconds_search = time.perf_counter() - t0

        for index in indexes.values():
            index.vectors = peers.profile_vectors(
                [index.people[int(u)] for u in index.ids], index.space)
        t0 = time.perf_counter()
        exact = {nid: brute_force(indexes[nid], queries[nid], in_network[nid], leave[nid], k,
                                  peers.DECIMALS)
                 for nid in in_network}
        seconds_brute = time.perf_counter() - t0

        # One member's page: the demo member's networks built cold, then from the cache.
        from netapp.models import User

        # Cold and warm COLD_RUNS times each (the machine may be shared): median and fastest.
        member = db.session.scalar(sa.select(User).where(User.email.like("member@%")))
        page_cold, page_warm = one_member(peers, member)
        biggest = max(indexes.values(), key=lambda index: len(index.ids))
        someone = db.session.get(User, next(u for u in in_network[biggest.network_id]))
        biggest_cold, biggest_warm = one_member(peers, someone)

        lists = same_order = same_set = 0
        for nid in in_network:
            for got, want in zip(fast[nid], exact[nid], strict=True):
                got_ids = [pid for pid, _ in got]
                lists += 1
                same_order += got_ids == want
                same_set += set(got_ids) == set(want)
        sizes = sorted(len(index.ids) for index in indexes.values())
        return {
            "members": members, "seed": seed, "k": k, "backend": db.engine.dialect.name,
            "load_average_1min": round(load, 2), "seconds_seed": round(seconds_seed, 1),
            "networks": len(indexes), "largest_network_peers": sizes[-1],
            "median_network_peers": sizes[len(sizes) // 2],
            "member_network_lists": lists,
            "seconds_read_and_fit": round(seconds_build, 2),
            "seconds_everyone_query_vectors": round(seconds_queries, 2),
            "seconds_search_everyone": round(seconds_search, 2),
            "seconds_suggestions_for_everyone": round(seconds_build + seconds_queries
                                                      + seconds_search, 2),
            "seconds_brute_force_search": round(seconds_brute, 2),
            "brute_over_search": round(seconds_brute / seconds_search, 2),
            "demo_member_networks_peers": sum(len(indexes[nid].ids) for nid, _, _ in
                                              peers._my_networks(member)),
            "seconds_demo_member_page_cold": page_cold,
            "seconds_demo_member_page_warm": page_warm,
            "seconds_member_of_largest_network_cold": biggest_cold,
            "seconds_member_of_largest_network_warm": biggest_warm,
            "identical_lists": same_order, "identical_top_k_sets": same_set,
            "agreement": round(same_order / lists, 6) if lists else None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if args.database_url:
        result = bench(args.database_url, args.members, args.seed, args.k)
    elif args.postgres:
        from bench.bench_round import ThrowawayPostgres

        with ThrowawayPostgres() as url:
            result = bench(url, args.members, args.seed, args.k)
    else:
        with tempfile.TemporaryDirectory(prefix="netapp-bench-peers.") as tmp:
            result = bench(f"sqlite:///{tmp}/bench.sqlite3", args.members, args.seed, args.k)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")
    if result["agreement"] != 1.0:
        raise SystemExit("suggestions differ from brute force")


if __name__ == "__main__":
    main()
