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
import math
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402
from benchmarks.revision import Answer, answers  # noqa: E402
from benchmarks.stemcheck import fold, holds_every_word  # noqa: E402
from search.errors import QueryError  # noqa: E402
from search.searcher import MAX_PAGE_SIZE, BulletinSearch, SearchRequest, spans_html  # noqa: E402
from search.searcher.ranking import WEIGHTS  # noqa: E402

DEPTH = 100
TARGETS = {"nDCG@10": 0.12, "Recall@100": 0.20}  # gains over the baseline that an earlier issue asked for
SHIPPED = "ours: related results after matches (shipped)"

Answerer = Callable[[list[str]], list[Answer]]


def metrics(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    """The four measures of one query, with binary gains."""
    gains = [doc_id in relevant for doc_id in ranked[:DEPTH]]
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), 10)))
    dcg = sum(1 / math.log2(rank + 2) for rank, gain in enumerate(gains[:10]) if gain)
    hits, precisions = 0, []
    for rank, gain in enumerate(gains, 1):
        if gain:
            hits += 1
            precisions.append(hits / rank)
    first = next((rank for rank, gain in enumerate(gains[:10], 1) if gain), None)
    return {
        "nDCG@10": dcg / ideal if ideal else 0.0,
        "MAP@100": sum(precisions) / len(relevant) if relevant else 0.0,
        "Recall@100": hits / len(relevant) if relevant else 0.0,
        "MRR@10": 1 / first if first else 0.0,
    }


def mean_metrics(found: list[Answer], query_ids: list[str], qrels: dict[str, set[str]]) -> dict[str, float]:
    """The mean of each measure over all queries (a query without hits scores 0)."""
    totals: dict[str, float] = {}
    for query_id, answer in zip(query_ids, found):
        for name, value in metrics(answer.ranked, qrels.get(query_id, set())).items():
            totals[name] = totals.get(name, 0.0) + value
    return {name: total / len(query_ids) for name, total in totals.items()}


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


def ours(search: BulletinSearch) -> Answerer:
    def answer(queries: list[str]) -> list[Answer]:
        found = []
        for text in queries:
            try:
                ranked = search.search(SearchRequest(text, page_size=MAX_PAGE_SIZE))
                newest = search.search(SearchRequest(text, sort="newest"))
            except QueryError as error:
                print(f"  {text!r}: {error}", file=sys.stderr)
                found.append(Answer([], 0, []))
                continue
            found.append(Answer([hit.id for hit in ranked.hits], ranked.total,
                                [hit.id for hit in newest.hits if not hit.related], ranked.related_total))
        return found
    return answer


def baseline() -> Answerer:
    ix = devset.baseline_index()
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
    runs: dict[str, Answerer] = {"Snowball baseline (OR)": baseline()}
    if args.before:
        runs[f"before: {args.before}"] = lambda texts: answers(args.before, texts)
    runs |= {
        SHIPPED: ours(BulletinSearch(index_dir)),
        "ours: related results only when nothing matches": ours(BulletinSearch(index_dir, related="fallback")),
        "ours: without reference feedback": ours(BulletinSearch(index_dir, weights=replace(WEIGHTS, provisions=0,
                                                                                           citations=0))),
        "ours: without feedback": ours(BulletinSearch(index_dir, weights=replace(WEIGHTS, feedback=0, provisions=0,
                                                                                 citations=0))),
    }
    texts = {}
    with devset.CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            texts[record["id"]] = fold(f"{record['title']}\n{record['body']}")
    print(f"{len(queries)} queries, {sum(map(len, qrels.values()))} judgments\n")
    print(f"{'':50}{'nDCG@10':>9}{'MAP@100':>9}{'Recall@100':>11}{'MRR@10':>8}{'seconds':>9}")
    results, found = {}, {}
    for name, answer in runs.items():
        started = time.perf_counter()
        found[name] = answer(list(queries.values()))
        results[name] = scores = mean_metrics(found[name], list(queries), qrels)
        print(f"{name:50}{scores['nDCG@10']:9.3f}{scores['MAP@100']:9.3f}{scores['Recall@100']:11.3f}"
              f"{scores['MRR@10']:8.3f}{time.perf_counter() - started:9.1f}")
    print(f"\n{'what the hits are':50}{'counted':>9}{'related':>9}{'newest first: every word':>26}")
    for name in runs:
        if name.startswith("Snowball"):
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
    base, shipped = results["Snowball baseline (OR)"], results[SHIPPED]
    print()
    for name, gain in TARGETS.items():
        delta = shipped[name] - base[name]
        print(f"{name}: ours {shipped[name]:.3f} vs baseline {base[name]:.3f}: {delta:+.3f} "
              f"(target +{gain:.2f}: {'met' if delta >= gain else 'NOT met'})")


if __name__ == "__main__":
    main()
