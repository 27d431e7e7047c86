"""Relevance on the dev set (../shared/data/kko*): nDCG@10, MAP@100, Recall@100 and MRR@10 of our
search API and, in the same run, of a plain Whoosh index with Snowball stems queried with OR; and
what the matches are: how many per query, how many related results, and whether the first page
newest first holds only bulletins with every query word, by a check that uses neither the index
nor Voikko.

    .venv/bin/python benchmarks/relevance.py [--before REVISION]

Our queries go through `BulletinSearch.search` exactly as the search box sends them. With
`--before` (a commit, a branch), that revision of the project answers the same queries in the same
run (benchmarks/revision.py), for a before-and-after table. The first run indexes the corpus into
benchmarks/out/ (several minutes, and as long again for a revision); later runs reuse the index."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh.index import FileIndex  # noqa: E402

from benchmarks import devset  # noqa: E402
from benchmarks.measures import DEPTH, PerQuery, mean, per_query, print_changes, print_header, print_row  # noqa: E402
from benchmarks.revision import Answer, answers  # noqa: E402
from benchmarks.stemcheck import fold, holds_every_word  # noqa: E402
from search.errors import QueryError  # noqa: E402
from search.searcher import MAX_PAGE_SIZE, BulletinSearch, SearchRequest, spans_html  # noqa: E402
from search.searcher.ranking import WEIGHTS  # noqa: E402

TARGETS = {"nDCG@10": 0.60, "Recall@100": 0.85}  # what issue 14 asks of the dev set
SHIPPED = "ours: related results after matches (shipped)"
BASELINE = "Snowball baseline (OR)"

Answerer = Callable[[list[str]], list[Answer]]


def marked(search: BulletinSearch, queries: list[str]) -> tuple[int, int, int]:
    """Of the matches on the first page, by relevance and newest first: how many there are, how many
    have a highlighted word in their snippet, and how many an explanation of how they matched."""
    shown = with_mark = explained = 0
    for text in queries:
        for sort in ("relevance", "newest"):
            for hit in search.search(SearchRequest(text, sort=sort, explain=True)).hits:
                if not hit.related:
                    shown += 1
                    with_mark += "<mark>" in spans_html(hit.snippet)
                    explained += bool(hit.matches)
    return shown, with_mark, explained


def ours(search: BulletinSearch, newest: bool = True) -> Answerer:
    """Our answers: the first 100 hits by relevance and, with `newest`, the first page newest first."""
    def answer(queries: list[str]) -> list[Answer]:
        found = []
        for text in queries:
            try:
                ranked = search.search(SearchRequest(text, page_size=MAX_PAGE_SIZE))
                latest = search.search(SearchRequest(text, sort="newest")).hits if newest else ()
            except QueryError as error:
                print(f"  {text!r}: {error}", file=sys.stderr)
                found.append(Answer([], 0, []))
                continue
            found.append(Answer([hit.id for hit in ranked.hits], ranked.total,
                                [hit.id for hit in latest if not hit.related], ranked.related_total))
        return found
    return answer


def _with(index_dir: Path, **weights: float) -> BulletinSearch:
    return BulletinSearch(index_dir, weights=replace(WEIGHTS, **weights))


def baseline() -> Answerer:
    return snowball(devset.baseline_index())


def snowball(ix: FileIndex) -> Answerer:
    """The answers of a plain Whoosh index of Snowball stems (`text`), queried with OR."""
    searcher = ix.searcher()

    def answer(queries: list[str]) -> list[Answer]:
        found = []
        for text in queries:
            results = searcher.search(devset.baseline_query(ix, text), limit=DEPTH)
            found.append(Answer([hit["id"] for hit in results], len(results), []))
        return found
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REVISION", help="also run this revision of the project, for comparison")
    args = parser.parse_args()
    devset.require_devset()
    queries, qrels = devset.queries(), devset.qrels()
    index_dir = devset.our_index()
    before = f"before: {args.before}"
    runs: dict[str, Answerer] = {BASELINE: baseline()}
    if args.before:
        runs[before] = lambda texts: answers(args.before, texts)
    # Each part of the ranking taken out (what it adds is the change against it), and the
    # expansion's weight at its neighbours (whether the shipped weight sits on a plateau).
    ablations = {
        "ours: related results only when nothing matches": ("related results after the matches",
                                                            BulletinSearch(index_dir, related="fallback")),
        "ours: without expansion": ("expansion", _with(index_dir, expansion=0)),
        "ours: without reordering by the leads": ("reordering by the leads", _with(index_dir, feedback=0)),
        "ours: without feedback": ("feedback (expansion and reordering)", _with(index_dir, feedback=0, expansion=0)),
        f"ours: expansion weight {WEIGHTS.expansion / 2:g}": (f"expansion weight {WEIGHTS.expansion:g} against "
                                                              f"{WEIGHTS.expansion / 2:g}",
                                                              _with(index_dir, expansion=WEIGHTS.expansion / 2)),
        f"ours: expansion weight {WEIGHTS.expansion * 2:g}": (f"expansion weight {WEIGHTS.expansion:g} against "
                                                              f"{WEIGHTS.expansion * 2:g}",
                                                              _with(index_dir, expansion=WEIGHTS.expansion * 2)),
    }
    runs[SHIPPED] = ours(BulletinSearch(index_dir))
    runs |= {name: ours(search, newest=False) for name, (_, search) in ablations.items()}
    texts = {}
    with devset.CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            texts[record["id"]] = fold(f"{record['title']}\n{record['body']}")
    print(f"{len(queries)} queries, {sum(map(len, qrels.values()))} judgments\n")
    print_header()
    results: dict[str, PerQuery] = {}
    found: dict[str, list[Answer]] = {}
    for name, answer in runs.items():
        started = time.perf_counter()
        found[name] = answer(list(queries.values()))
        results[name] = per_query(found[name], list(queries), qrels)
        print_row(name, results[name], time.perf_counter() - started)
    print("\nEach change, query by query (wins/losses/ties; p: paired randomisation test, two-sided):")
    changes = [("ours against Snowball", SHIPPED, BASELINE), ("this revision against before", SHIPPED, before)]
    changes += [(what, SHIPPED, name) for name, (what, _) in ablations.items()]
    print_changes(changes, results, ("nDCG@10", "Recall@100"))
    print(f"\n{'what the hits are':50}{'counted':>9}{'related':>9}{'newest first: every word':>26}")
    for name in runs:
        if name == BASELINE or name in ablations:  # the ablations list no first page newest first
            continue
        counted = sum(answer.total for answer in found[name]) / len(queries)
        related = [answer.related_total for answer in found[name]]
        shown = "-" if None in related else f"{sum(related) / len(queries):.1f}"
        held = [holds_every_word(texts[doc_id], text) for answer, text in zip(found[name], queries.values())
                for doc_id in answer.newest]
        print(f"{name:50}{counted:9.1f}{shown:>9}{sum(held) / len(held):18.1%} of {len(held):,}")
    print("(counted: the total a query reports; related: the related results it lists apart; newest first: the "
          "share of the hits on the first page newest first that hold a stem of every query word)")
    related = [holds_every_word(texts[doc_id], text) for answer, text in zip(found[SHIPPED], queries.values())
               for doc_id in answer.ranked[answer.total:DEPTH]]  # the matches come first
    print(f"The check's leniency: it finds a stem of every word in {sum(related) / len(related):.1%} of our "
          f"{len(related):,} related results in the first {DEPTH}.")
    shown, with_mark, explained = marked(BulletinSearch(index_dir), list(queries.values()))
    print(f"Matches on the first page (by relevance and newest first): {shown:,}; with a highlighted word "
          f"{with_mark:,}, with an explanation {explained:,}.")
    base, shipped = mean(results[BASELINE]), mean(results[SHIPPED])
    print()
    for name, target in TARGETS.items():
        print(f"{name}: ours {shipped[name]:.3f} vs baseline {base[name]:.3f}: {shipped[name] - base[name]:+.3f} "
              f"(target {target:.2f}: {'met' if shipped[name] >= target else 'NOT met'})")


if __name__ == "__main__":
    main()
