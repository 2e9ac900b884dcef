"""Command line: ``python -m matching mentors ...`` and ``python -m matching sets ...``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from .io import (
    DataError,
    read_members_csv,
    read_mentees_csv,
    read_mentors_csv,
    read_pairs_csv,
    read_weights_json,
)
from .model import GroupWeights, Weights


def _parser():
    p = argparse.ArgumentParser(prog="python -m matching",
                                description="Optimal mentor matching and action learning sets.")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("mentors", help="match mentees to mentors")
    m.add_argument("--mentees", required=True, help="mentees CSV")
    m.add_argument("--mentors", required=True, help="mentors CSV")
    m.add_argument("--declined", help="CSV of mentee_id,mentor_id pairs never to match")
    m.add_argument("--locked", help="CSV of mentee_id,mentor_id pairs to keep")
    m.add_argument("--weights", help="JSON object of score weights")
    m.add_argument("--out", required=True, help="output CSV: mentee_id,mentor_id,score,explanation")
    m.add_argument("--scores-out", help="output CSV of every eligible pair's score (small runs)")
    s = sub.add_parser("sets", help="form action learning sets")
    s.add_argument("--members", required=True, help="members CSV")
    s.add_argument("--out", required=True, help="output CSV: set_id,member_id")
    s.add_argument("--min-size", type=int, default=6)
    s.add_argument("--max-size", type=int, default=8)
    s.add_argument("--weights", help="JSON object of set quality weights")
    s.add_argument("--summary-out", help="output CSV with one summary row per set "
                                         "(otherwise the per-set summary goes to stderr)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--time-limit", type=float, default=20.0, help="seconds for improvement")
    return p


class _Staged:
    """Output files written to temporaries first and moved into place only at the very end."""

    def __init__(self):
        self._files = []

    def open(self, path):
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".csv", dir=folder)
        self._files.append((tmp, path))
        return os.fdopen(fd, "w", newline="", encoding="utf-8")

    def commit(self):
        umask = os.umask(0)
        os.umask(umask)
        for tmp, path in self._files:
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes private files; use the usual mode
            os.replace(tmp, path)
        self._files = []

    def discard(self):
        for tmp, _ in self._files:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self._files = []


def _mentors(args, staged):
    import csv

    import numpy as np

    from .mentors import PairError, eligible_scores, match_mentors

    t0 = time.perf_counter()
    mentees = read_mentees_csv(args.mentees)
    mentors = read_mentors_csv(args.mentors)
    mentee_ids = {p.id for p in mentees}
    mentor_ids = {p.id for p in mentors}
    files = {}
    for kind in ("declined", "locked"):
        path = getattr(args, kind)
        files[kind] = (path, read_pairs_csv(path, mentee_ids, mentor_ids) if path else [])
    weights = read_weights_json(args.weights, Weights) if args.weights else Weights()
    declined = [(a, b) for a, b, _ in files["declined"][1]]
    locked = [(a, b) for a, b, _ in files["locked"][1]]
    try:
        result = match_mentors(mentees, mentors, declined=declined, locked=locked,
                               weights=weights)
    except PairError as e:
        path, rows = files[e.kind]
        raise DataError(path, rows[e.index][2], e.column, str(e)) from None
    with staged.open(args.out) as f:
        w = csv.writer(f)
        w.writerow(["mentee_id", "mentor_id", "score", "explanation"])
        by_id = {p.mentee_id: p for p in result.pairs}
        why = {u.mentee_id: u.reason for u in result.unmatched}
        for p in mentees:
            pair = by_id.get(p.id)
            if pair is None:
                w.writerow([p.id, "", "", why[p.id]])
            else:
                w.writerow([p.id, pair.mentor_id, f"{pair.score:.2f}", pair.explanation])
    if args.scores_out:
        with staged.open(args.scores_out) as f:
            f.write("mentee_id,mentor_id,score\n")
            for a, b, s in eligible_scores(mentees, mentors, declined=declined, weights=weights):
                if a.size:
                    txt = np.char.add(np.char.add(a.astype(str), ","), b.astype(str))
                    sc = np.char.mod("%.2f", s / 100)
                    f.write("\n".join(np.char.add(np.char.add(txt, ","), sc).tolist()) + "\n")
    staged.commit()
    st = result.stats
    status = "proven optimal" if result.optimal else f"gap {100 * result.gap:.3f}%"
    print(f"matched {len(result.pairs)}/{result.max_matches} possible "
          f"({len(mentees)} mentees, {len(mentors)} mentors); "
          f"total score {result.total_score:.2f}; bound {result.bound:.2f} ({status}); "
          f"{st['eligible_pairs']} eligible pairs, {st['candidate_pairs']} candidates, "
          f"{st['rounds']} round(s); {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def _sets(args, staged):
    import csv

    from .sets import form_groups

    t0 = time.perf_counter()
    members = read_members_csv(args.members)
    weights = read_weights_json(args.weights, GroupWeights) if args.weights else GroupWeights()
    if args.min_size < 2 or args.max_size < args.min_size:
        raise DataError("--min-size/--max-size", 0, "-",
                        f"need 2 <= min-size <= max-size, got {args.min_size} and {args.max_size}")
    res = form_groups(members, args.min_size, args.max_size, weights=weights, seed=args.seed,
                      time_limit=args.time_limit)
    with staged.open(args.out) as f:
        w = csv.writer(f)
        w.writerow(["set_id", "member_id", "reason"])
        set_of = {mid: g.set_id for g in res.sets for mid in g.member_ids}
        why = {u.member_id: u.reason for u in res.unplaced}
        for p in members:
            w.writerow([set_of.get(p.id, ""), p.id, why.get(p.id, "")])
    lines = [f"{g.set_id}: {len(g.member_ids)} members, quality {g.quality:.1f} ({g.summary})"
             for g in res.sets]
    if args.summary_out:
        with staged.open(args.summary_out) as f:
            w = csv.writer(f)
            w.writerow(["set_id", "size", "quality", "region", "summary"])
            for g in res.sets:
                w.writerow([g.set_id, len(g.member_ids), f"{g.quality:.1f}", g.region, g.summary])
    staged.commit()
    if not args.summary_out:
        for line in lines:
            print(line, file=sys.stderr)
    print(f"placed {len(members) - len(res.unplaced)}/{len(members)} members in {len(res.sets)} "
          f"sets ({res.unplaced_status}); worst set quality {res.worst_quality:.1f}, "
          f"mean {res.mean_quality:.1f}; {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def main(argv=None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    staged = _Staged()
    try:
        (_mentors if args.command == "mentors" else _sets)(args, staged)
    except DataError as e:
        staged.discard()
        print(f"error: {e}".replace("\n", " "), file=sys.stderr)
        return 1
    except ValueError as e:
        staged.discard()
        print(f"error: {e}".replace("\n", " "), file=sys.stderr)
        return 1
    except BaseException:
        staged.discard()
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
