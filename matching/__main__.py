"""Command line: ``python -m matching mentors|sets|example ...``."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
import textwrap
from collections import Counter

from .io import (
    COLUMNS,
    DataError,
    columns_of,
    read_members_csv,
    read_mentees_csv,
    read_mentors_csv,
    read_pairs_csv,
    read_topics_csv,
    read_weights_json,
)
from .lqf import ELEMENT_CODES
from .model import GroupWeights, Mentee, Mentor, SetMember, Weights
from .topics import TOPIC_NAMES


class _OptionError(Exception):
    """A bad command-line option (as opposed to a bad file)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # one line, like every other problem, instead of argparse's usage block
        raise _OptionError(f"{self.prog}: {message} (see --help)")


class _OutputError(Exception):
    """An output file that cannot be written."""


class _Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    def _get_help_string(self, action):
        if action.default is None or action.required:
            return action.help  # nothing useful to show
        return super()._get_help_string(action)


def _columns_help(kind) -> str:
    cols = [c for c in columns_of(kind) if c not in ELEMENT_CODES]
    cols.insert(cols.index("online") + 1, "PQ1..DS4")
    width = max(map(len, cols))
    lines = [textwrap.fill(COLUMNS[c], 96, initial_indent=f"  {c:<{width}}  ",
                           subsequent_indent=" " * (width + 4)) for c in cols]
    return "\n".join(lines)


_TOPIC_CODES = textwrap.fill("built-in topic codes: " + ", ".join(TOPIC_NAMES), 96,
                             subsequent_indent="  ")


def _size(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 2:
        raise argparse.ArgumentTypeError(f"a set needs at least 2 members, got {v}")
    return v


def _seconds(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not v > 0 or not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return v


def _parser():
    p = _Parser(prog="python -m matching", formatter_class=_Help,
                description="Mentor matching and action learning sets from CSV files. "
                            "`python -m matching example DIR` writes sample files to start "
                            "from.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    m = sub.add_parser(
        "mentors", help="match mentees to mentors", formatter_class=_Help,
        description="Match mentees to mentors: the most matches possible, then the best total "
                    "score, with a proof.",
        epilog="columns of the mentees file:\n" + _columns_help(Mentee)
               + "\n\ncolumns of the mentors file:\n" + _columns_help(Mentor)
               + "\n\ndeclined and locked files: mentee_id,mentor_id"
               + "\ntopics file: code,name (your own topics, usable in needs and offers)\n"
               + _TOPIC_CODES)
    m.add_argument("--mentees", required=True, metavar="CSV", help="mentees file")
    m.add_argument("--mentors", required=True, metavar="CSV", help="mentors file")
    m.add_argument("--declined", metavar="CSV", help="pairs never to match")
    m.add_argument("--locked", metavar="CSV", help="pairs to keep as they are")
    m.add_argument("--weights", metavar="JSON", help="weights of the score parts, e.g. "
                   '{"needs": 50, "lqf": 20} (default: needs 35, lqf 30, level 15, '
                   "service_type 10, local_authority 10)")
    m.add_argument("--topics", metavar="CSV", help="your own topics (code,name)")
    m.add_argument("--out", required=True, metavar="CSV",
                   help="output: mentee_id,mentor_id,score,explanation")
    m.add_argument("--scores-out", metavar="CSV",
                   help="output: every eligible pair's score (small runs)")
    m.add_argument("--summary-out", metavar="JSON",
                   help="output: the technical figures (bound, candidates, rounds...)")
    s = sub.add_parser(
        "sets", help="form action learning sets", formatter_class=_Help,
        description="Form action learning sets: first place as many members as possible, then "
                    "leave as few as possible as the only member of their affinity network in "
                    "their set, then make the sets as good as possible.",
        epilog="columns of the members file:\n" + _columns_help(SetMember)
               + "\n\ntopics file: code,name (your own topics, usable in needs)\n"
               + _TOPIC_CODES
               + "\n\nWithout --time-limit the same files and seed give the same output.")
    s.add_argument("--members", required=True, metavar="CSV", help="members file")
    s.add_argument("--out", required=True, metavar="CSV",
                   help="output: set_id,member_id,set_note,reason")
    s.add_argument("--min-size", type=_size, default=6, help="smallest set")
    s.add_argument("--max-size", type=_size, default=8, help="largest set")
    s.add_argument("--weights", metavar="JSON", help="weights of the quality parts (default: "
                   "service_mix 25, lqf 30, shared_needs 30, local_authority 15)")
    s.add_argument("--topics", metavar="CSV", help="your own topics (code,name)")
    s.add_argument("--summary-out", metavar="JSON",
                   help="output: each set's summary and the technical figures")
    s.add_argument("--seed", type=int, default=0, help="seed for the search")
    s.add_argument("--time-limit", type=_seconds, default=None, metavar="SECONDS",
                   help="stop after this long (default: no limit; the search has a fixed "
                        "budget of moves)")
    e = sub.add_parser("example", help="write sample input files to a folder",
                       formatter_class=_Help,
                       description="Write sample input files, with a README of the columns, "
                                   "to DIR (created if missing; existing files are not "
                                   "overwritten).")
    e.add_argument("dir", metavar="DIR", help="folder for the sample files")
    return p


class _Staged:
    """Output files written to temporaries first and moved into place only at the very end."""

    def __init__(self):
        self._files = []

    def check(self, path, option):
        """Fail early, with one line, if ``path`` cannot be written."""
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise _OutputError(f"cannot write {path} ({option}): the folder {folder} does not "
                               "exist")
        if os.path.isdir(path):
            raise _OutputError(f"cannot write {path} ({option}): it is a folder")

    def open(self, path):
        folder = os.path.dirname(os.path.abspath(path))
        try:
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        except OSError as e:
            raise _OutputError(f"cannot write {path}: {e.strerror}") from None
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


def _plain(value):
    """JSON-safe: no NaN or infinity, no NumPy scalars, no timings (files stay identical)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if "seconds" not in str(k)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_json(staged, path, data):
    with staged.open(path) as f:
        f.write(json.dumps(_plain(data), indent=2, sort_keys=True) + "\n")


def _topics(args):
    return read_topics_csv(args.topics) if args.topics else {}


def _mentors(args, staged):
    import numpy as np

    from .mentors import PairError, eligible_scores, match_mentors, summarise_matches

    for opt in ("out", "scores_out", "summary_out"):
        if getattr(args, opt):
            staged.check(getattr(args, opt), "--" + opt.replace("_", "-"))
    topics = _topics(args)
    mentees = read_mentees_csv(args.mentees, topics)
    mentors = read_mentors_csv(args.mentors, topics)
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
                               weights=weights, topic_names=topics)
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
    if args.summary_out:
        _write_json(staged, args.summary_out, {
            "command": "mentors", "mentees": len(mentees), "mentors": len(mentors),
            "matched": len(result.pairs), "max_matches": result.max_matches,
            "total_score": result.total_score, "bound": result.bound, "gap": result.gap,
            "optimal": result.optimal, "status": result.status, "stats": result.stats})
    staged.commit()
    print(summarise_matches(result), file=sys.stderr)


_SET_NOTE = ("check privately: someone in this set is the only member of their affinity "
             "network here")


def _sets_summary(res, n) -> str:
    placed = n - len(res.unplaced)
    sets = f"{len(res.sets)} set" + ("" if len(res.sets) == 1 else "s")
    if not res.unplaced:
        text = f"All {n} members are placed, in {sets}."
    else:
        causes = Counter(u.cause for u in res.unplaced)
        kinds = "; ".join(f"{k} {cause}" for cause, k in sorted(causes.items(),
                                                                key=lambda x: (-x[1], x[0])))
        text = f"{placed} of {n} members are placed, in {sets}; {len(res.unplaced)} could not " \
               f"be placed ({kinds}; see the reason column): "
        text += ("no arrangement that keeps to the rules places more." if res.proven_min_unplaced
                 else "this is the best arrangement found, not proven to be the best possible.")
    flagged = sum(s.has_isolated_member for s in res.sets)
    if flagged:
        text += (f" {flagged} set{'' if flagged == 1 else 's'} "
                 f"{'has' if flagged == 1 else 'have'} someone who is the only member of their "
                 "affinity network there (see set_note)"
                 + ("; this could not be avoided." if res.proven_min_isolated else "."))
    if res.stopped_by_time_limit:
        text += " The time limit stopped the search, so another run may differ."
    return text


def _sets(args, staged):
    from .sets import form_groups

    if args.max_size < args.min_size:
        raise _OptionError(f"python -m matching sets: argument --max-size: must be at least "
                           f"--min-size ({args.min_size}), got {args.max_size} (see --help)")
    for opt in ("out", "summary_out"):
        if getattr(args, opt):
            staged.check(getattr(args, opt), "--" + opt.replace("_", "-"))
    topics = _topics(args)
    members = read_members_csv(args.members, topics)
    weights = read_weights_json(args.weights, GroupWeights) if args.weights else GroupWeights()
    res = form_groups(members, args.min_size, args.max_size, weights=weights, seed=args.seed,
                      time_limit=args.time_limit, topic_names=topics)
    with staged.open(args.out) as f:
        w = csv.writer(f)
        w.writerow(["set_id", "member_id", "set_note", "reason"])
        set_of = {mid: g for g in res.sets for mid in g.member_ids}
        why = {u.member_id: u.reason for u in res.unplaced}
        for p in members:
            g = set_of.get(p.id)
            if g is None:
                w.writerow(["", p.id, "", why[p.id]])
            else:
                w.writerow([g.set_id, p.id, _SET_NOTE if g.has_isolated_member else "", ""])
    if args.summary_out:
        _write_json(staged, args.summary_out, {
            "command": "sets", "members": len(members), "placed": len(members) -
            len(res.unplaced), "min_size": args.min_size, "max_size": args.max_size,
            "seed": args.seed, "unplaced_status": res.unplaced_status,
            "proven_min_unplaced": res.proven_min_unplaced,
            "sets_with_an_isolated_member": sum(s.has_isolated_member for s in res.sets),
            "isolation_status": res.isolation_status,
            "proven_min_isolated": res.proven_min_isolated,
            "stopped_by_time_limit": res.stopped_by_time_limit,
            "worst_quality": res.worst_quality, "mean_quality": res.mean_quality,
            "stats": res.stats,
            "sets": [{"set_id": g.set_id, "size": len(g.member_ids), "meets": g.region,
                      "in_person": g.in_person, "quality": g.quality, "summary": g.summary,
                      "set_note": _SET_NOTE if g.has_isolated_member else ""}
                     for g in res.sets]})
    staged.commit()
    print(_sets_summary(res, len(members)), file=sys.stderr)


def _example(args, staged):
    from .examples import example_files

    folder = args.dir
    parent = os.path.dirname(os.path.abspath(folder))
    if not os.path.isdir(parent):
        raise _OutputError(f"cannot create {folder}: the folder {parent} does not exist")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise _OutputError(f"cannot write to {folder}: it is not a folder")
    files = example_files()
    existing = [n for n in files if os.path.exists(os.path.join(folder, n))]
    if existing:
        raise _OutputError(f"{os.path.join(folder, existing[0])} already exists; choose an "
                           "empty folder")
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        with staged.open(os.path.join(folder, name)) as f:
            f.write(text)
    staged.commit()
    print(f"Wrote {len(files)} sample files to {folder}; see {folder}/README.md.",
          file=sys.stderr)


def main(argv=None) -> int:
    """Run the command line; return the exit code."""
    staged = _Staged()
    try:
        args = _parser().parse_args(argv)
        {"mentors": _mentors, "sets": _sets, "example": _example}[args.command](args, staged)
    except _OptionError as e:
        staged.discard()
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (DataError, ValueError, _OutputError) as e:
        staged.discard()
        print(f"error: {e}".replace("\n", " "), file=sys.stderr)
        return 1
    except BaseException:
        staged.discard()
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
