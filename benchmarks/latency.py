"""Search latency on the dev corpus (../shared/data/kko.jsonl): p50 and p95 of our search API and,
in the same run, of a plain Whoosh index with Snowball stems queried with OR.

    .venv/bin/python benchmarks/latency.py [INDEX]

INDEX is another index of the same corpus to time (say, a copy merged into one segment); by
default it is the one benchmarks/relevance.py builds with `update_index`.

Two query sets: the 300 dev queries, and 50 phrase queries cut from the bulletins' titles. Each
query runs once, and each of our rows starts with empty term caches, so a term's first reading
is part of what is timed; the operating system's file cache is warmed first.

Rows:
- baseline: `searcher.search(query, limit=10)`, the total (`len(results)`) and the hits' ids.
- ours, ranking: `BulletinSearch.rank()`, the same work in our engine (the top 10 and the total,
  and also the year facets), without reading the hits' text for snippets; and the same without the
  query expansion (search.searcher.expansion), for what it costs.
- ours, search API: `BulletinSearch.search()`, what the CLI and the web app wait for: also the
  snippets of the 10 hits and the did-you-mean check."""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402
from search.finnish import analyze_word  # noqa: E402
from search.searcher import BulletinSearch, SearchRequest  # noqa: E402
from search.searcher.ranking import WEIGHTS, Weights  # noqa: E402

PHRASES = 50
# Issue 14's targets: ranking p95 at most 1.5 times the baseline's, the search API's at most 100 ms.
TARGET_RATIO, TARGET_MS = 1.5, 100.0


def phrase_queries(count: int = PHRASES, seed: int = 1) -> list[str]:
    """`"word word"` and `"word word word"` cut from the titles of randomly chosen bulletins."""
    rng = random.Random(seed)
    titles = [line.split('"title": "', 1)[1].split('"', 1)[0] for line in devset.CORPUS.open(encoding="utf-8")]
    phrases: list[str] = []
    while len(phrases) < count:
        found = re.findall(r"[^\W\d_]{4,}", rng.choice(titles))
        size = rng.choice((2, 3))
        if len(found) > size:
            start = rng.randrange(len(found) - size)
            words = found[start:start + size]
            if not any(analyze_word(word).stop for word in words):
                phrases.append('"' + " ".join(words) + '"')
    return phrases


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def timed(run: Callable[[str], object], queries: list[str]) -> list[float]:
    times = []
    for text in queries:
        started = time.perf_counter()
        run(text)
        times.append(time.perf_counter() - started)
    return times


def fresh(search: BulletinSearch, weights: Weights = WEIGHTS) -> BulletinSearch:
    """A new BulletinSearch over the same index with empty term caches, its per-generation tables
    (years, dates, field lengths) already read: they come once per index update, not per query."""
    search = BulletinSearch(search.index_dir, weights=weights)
    search.search(SearchRequest("warm"))
    return search


def main() -> None:
    devset.require_devset()
    ix = devset.baseline_index()
    baseline_searcher = ix.searcher()
    search = BulletinSearch(Path(sys.argv[1]) if len(sys.argv) > 1 else devset.our_index())
    sets = {"dev queries": list(devset.queries().values()), "phrase queries": phrase_queries()}

    def baseline(text: str) -> None:
        results = baseline_searcher.search(devset.baseline_query(ix, text), limit=10)
        len(results)
        [hit["id"] for hit in results]

    def ranking(text: str) -> None:
        search.rank(SearchRequest(text))

    def unexpanded(text: str) -> None:
        plain.rank(SearchRequest(text))

    def api(text: str) -> None:
        search.search(SearchRequest(text))

    for text in ("warm", "up"):  # open both indexes; the file cache, not the term caches
        baseline(text), api(text)
    print(f"{'':34}{'p50 ms':>8}{'p95 ms':>8}")
    for name, queries in sets.items():
        rows = {"Snowball baseline": timed(baseline, queries)}
        # Fresh term caches for each of our rows, so neither profits from the other's reading.
        search = fresh(search)
        rows["ours, ranking"] = timed(ranking, queries)
        plain = fresh(search, replace(WEIGHTS, expansion=0))
        rows["ours, ranking without expansion"] = timed(unexpanded, queries)
        search = fresh(search)
        rows["ours, search API"] = timed(api, queries)
        print(f"{name} ({len(queries)})")
        figures = {row: percentiles(times) for row, times in rows.items()}
        for row, (p50, p95) in figures.items():
            print(f"  {row:32}{p50:8.1f}{p95:8.1f}")
        base95, rank95, _, api95 = (figures[row][1] for row in rows)
        print(f"  ours, ranking: p95 {rank95 / base95:.2f}× the baseline's (target ≤ {TARGET_RATIO}×: "
              f"{'met' if rank95 <= TARGET_RATIO * base95 else 'NOT met'})")
        print(f"  ours, search API: p95 {api95:.0f} ms (target ≤ {TARGET_MS:.0f} ms: "
              f"{'met' if api95 <= TARGET_MS else 'NOT met'})")


if __name__ == "__main__":
    main()
