"""Whoosh against Xapian: the two index backends (search.backends) on the same bulletins, in one run.

    .venv/bin/python benchmarks/backends.py [--data kko] [--data headlines] [--limit N] [--reuse]

For each data set (default: both), each backend's index is built from scratch in a fresh process
(benchmarks/indexing.py: wall time, CPU time of the process and its workers, peak RSS, size on
disk): Whoosh as `bulletins index` builds it, Xapian in 2 local shards. Then the 300 dev queries go
through each backend's `.search()` as the search box sends them (the first page): one pass to warm
up, then a timed pass, the backends taking turns query by query so that the machine's other load
falls on both alike; p50 and p95. The headlines have no judgments: their queries are the dev
queries too.

On the dev set (kko) also relevance, as benchmarks/relevance.py measures ours (the first 100 hits
of each query): nDCG@10, MAP@100, Recall@100 and MRR@10 of each backend, Xapian against Whoosh query
by query (wins, losses, ties; p-value of the paired randomisation test), and how far the answers
agree (the same totals, the same first ten). Issue 17's target: Xapian's nDCG@10 within 0.01 of
Whoosh's. With --limit, the judged bulletins left out count as misses for both.

The indexes stay in benchmarks/out/backends/; --reuse searches those of the last run without
building them again (no indexing figures). Skips with a message when ../shared/data is absent."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402
from benchmarks.indexing import SETS, XAPIAN_SHARDS, corpus_of, measure  # noqa: E402
from benchmarks.latency import percentiles, timed  # noqa: E402
from benchmarks.measures import MEASURES, mean, per_query  # noqa: E402
from benchmarks.paired import paired  # noqa: E402
from benchmarks.relevance import ours  # noqa: E402
from benchmarks.revision import Answer  # noqa: E402
from search.backends import Search, open_search  # noqa: E402
from search.searcher import SearchRequest  # noqa: E402

BACKENDS = {"whoosh": "ours", "xapian": "xapian"}  # backend → its builder in benchmarks/indexing.py
TARGET = 0.01  # issue 17: Xapian's dev nDCG@10 at most this far from Whoosh's


def build(data: str, limit: int | None, reuse: bool) -> tuple[dict[str, Path], dict[str, dict]]:
    """Each backend's index of the data set (built now, unless `reuse`), and the figures of each build."""
    home = devset.OUT / "backends" / (data if limit is None else f"{data}-{limit}")
    indexes = {backend: home / backend for backend in BACKENDS}
    if reuse and all(index.is_dir() for index in indexes.values()):
        return indexes, {}
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    corpus = corpus_of(devset.DATA / SETS[data], limit, home)
    return indexes, {backend: measure(builder, corpus, indexes[backend]) for backend, builder in BACKENDS.items()}


def latencies(searches: dict[str, Search], queries: list[str]) -> dict[str, list[float]]:
    """Seconds of each query's `.search()` on each backend, warm: after one untimed pass, taking turns."""
    times: dict[str, list[float]] = {backend: [] for backend in searches}
    for timing in (False, True):
        for number, text in enumerate(queries):
            order = list(searches.items())
            for backend, search in order if number % 2 else reversed(order):
                spent = timed(lambda text, search=search: search.search(SearchRequest(text)), [text])
                if timing:
                    times[backend] += spent
    return times


def print_speed(data: str, built: dict[str, dict], times: dict[str, list[float]], count: int) -> None:
    print(f"{'data':10} {'backend':8} {'bulletins':>9} {'index s':>8} {'CPU s':>7} {'bull./s':>8} {'size MB':>8} "
          f"{'peak RSS MB':>11} {'p50 ms':>7} {'p95 ms':>7}")
    for backend, spent in times.items():
        p50, p95 = percentiles(spent)
        if backend in built:
            r = built[backend]
            figures = (f"{r['bulletins']:9,} {r['seconds']:8.1f} {r['cpu']:7.1f} {r['bulletins'] / r['seconds']:8,.0f} "
                       f"{r['size_mb']:8.1f} {r['peak_mb']:11.0f}")
        else:
            figures = f"{'(reused: not built in this run)':>56}"
        print(f"{data:10} {backend:8} {figures} {p50:7.1f} {p95:7.1f}")
    if built:
        whoosh, xapian = built["whoosh"], built["xapian"]
        print(f"{data:10} Xapian / Whoosh: {xapian['seconds'] / whoosh['seconds']:.2f}× the indexing time, "
              f"{xapian['cpu'] / whoosh['cpu']:.2f}× the CPU time, {xapian['size_mb'] / whoosh['size_mb']:.2f}× the size "
              f"(load average now {os.getloadavg()[0]:.1f})")
    print(f"(latency: .search() of the first page of each of the {count} dev queries, warm; Xapian in "
          f"{XAPIAN_SHARDS} local shards)")


def relevance(searches: dict[str, Search]) -> float:
    """Print the relevance of both backends on the dev set, Xapian against Whoosh; return the
    difference of their nDCG@10."""
    queries, qrels = devset.queries(), devset.qrels()
    found = {backend: ours(search, newest=False)(list(queries.values())) for backend, search in searches.items()}
    values = {backend: per_query(answers, list(queries), qrels) for backend, answers in found.items()}
    means = {backend: mean(each) for backend, each in values.items()}
    print(f"\nRelevance on the dev set: {len(queries)} queries, {sum(map(len, qrels.values()))} judgments")
    print(f"{'measure':12}{'Whoosh':>8}{'Xapian':>8}{'Xapian − Whoosh: Δ  win/loss/tie':>36}")
    for name in MEASURES:
        print(f"{name:12}{means['whoosh'][name]:8.3f}{means['xapian'][name]:8.3f}"
              f"{str(paired(values['xapian'][name], values['whoosh'][name])):>36}")
    print_agreement(found["whoosh"], found["xapian"])
    return means["xapian"]["nDCG@10"] - means["whoosh"]["nDCG@10"]


def print_agreement(whoosh: list[Answer], xapian: list[Answer]) -> None:
    pairs = list(zip(whoosh, xapian))
    same = {
        "total (matches)": sum(w.total == x.total for w, x in pairs),
        "related total": sum(w.related_total == x.related_total for w, x in pairs),
        "first 10 in order": sum(w.ranked[:10] == x.ranked[:10] for w, x in pairs),
        "first 10 as a set": sum(set(w.ranked[:10]) == set(x.ranked[:10]) for w, x in pairs),
    }
    shared = sum(len(set(w.ranked[:10]) & set(x.ranked[:10])) for w, x in pairs) / len(pairs)
    print("Queries whose answers agree: " + ", ".join(f"the same {what} {count}/{len(pairs)}" for what, count in same.items())
          + f"; of the first 10, {shared:.1f} in common on average")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", action="append", choices=SETS, help="data set (default: both)")
    parser.add_argument("--limit", type=int, help="index only the first N bulletins of each data set")
    parser.add_argument("--reuse", action="store_true", help="search the indexes of the last run, without building")
    args = parser.parse_args()
    devset.require_devset()
    queries = list(devset.queries().values())
    gaps = []
    for data in args.data or list(SETS):
        indexes, built = build(data, args.limit, args.reuse)
        searches = {backend: open_search(index, backend) for backend, index in indexes.items()}
        if data == "kko":
            gaps.append(relevance(searches))
        print()
        print_speed(data, built, latencies(searches, queries), len(queries))
        print()
    for gap in gaps:
        print(f"Target: Xapian's nDCG@10 within {TARGET} of Whoosh's: {gap:+.4f}, "
              f"{'met' if abs(gap) <= TARGET else 'NOT met'}" + (f" (only the first {args.limit} bulletins)"
                                                                 if args.limit else ""))


if __name__ == "__main__":
    main()
