"""The relevance measures of a run, per query and on average, and the tables the relevance
benchmarks print: the runs side by side, and each change against what it changes, query by query
with a paired test (benchmarks/paired.py)."""

from __future__ import annotations

import math

from benchmarks.paired import paired
from benchmarks.revision import Answer

DEPTH = 100
MEASURES = ("nDCG@10", "MAP@100", "Recall@100", "MRR@10")

PerQuery = dict[str, list[float]]  # measure → its value for each query, in query order


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


def per_query(found: list[Answer], query_ids: list[str], qrels: dict[str, set[str]]) -> PerQuery:
    """Each measure of each query (a query without hits scores 0)."""
    values: PerQuery = {name: [] for name in MEASURES}
    for query_id, answer in zip(query_ids, found):
        for name, value in metrics(answer.ranked, qrels.get(query_id, set())).items():
            values[name].append(value)
    return values


def mean(values: PerQuery) -> dict[str, float]:
    return {name: sum(each) / len(each) for name, each in values.items()}


def print_row(name: str, values: PerQuery, seconds: float, width: int = 50) -> None:
    means = mean(values)
    print(f"{name:{width}}" + "".join(f"{means[measure]:{len(measure) + 2}.3f}" for measure in MEASURES)
          + f"{seconds:9.1f}")


def print_header(width: int = 50) -> None:
    print(f"{'':{width}}" + "".join(f"{measure:>{len(measure) + 2}}" for measure in MEASURES) + f"{'seconds':>9}")


def print_changes(changes: list[tuple[str, str, str]], results: dict[str, PerQuery], measures: tuple[str, ...],
                  width: int = 50) -> None:
    """For each change (what it is, the run after it, the run before it): the change of each measure,
    the queries it wins, loses and ties, and the p-value of the paired randomisation test."""
    print(f"{'change':{width}}" + "".join(f"{measure + ': Δ  win/loss/tie':>36}" for measure in measures))
    for label, after, before in changes:
        if after in results and before in results:
            print(f"{label:{width}}" + "".join(f"{str(paired(results[after][m], results[before][m])):>36}"
                                               for m in measures))
