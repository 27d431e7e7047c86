"""Pseudo-relevance feedback: the words that the openings of the best matches share say what the
search is about.

A bulletin's lead (the lemmas of its title and first words, a column of the index) is where it says
what it is about. The leads of the best FEEDBACK_DOCS matches vote: a lemma in at least MIN_VOTES of
them weighs its votes times its idf, and the EXPANSION_TERMS heaviest lemmas make the feedback
model (the query's own words are usually among them). The model serves twice:

- reordering: each of the first DEPTH matches (and of the first DEPTH related results) gains the
  feedback weight times the share of the model's weight that its own lead holds;
- expansion (search.searcher.expansion): the model's other lemmas are searched in the bodies with a
  low weight, which reorders the hits and brings in related results that the query's words miss.

Only matches give feedback: a related result lacks some of the query's words, so it says less of
what the search is about, and when nothing matches there is no feedback. Against feedback from the
related results too when there are few matches: on the city known-item set MRR@10 0.936 → 0.954
(4 queries better, 1 worse), on the dev set nDCG@10 0.574 → 0.573 (1 better, 8 worse).

Some 200 lemmas are shared by two leads, and the idf of each over the bodies costs a lookup in every
segment of the index: so their idf over the leads (counted once per segment, search.index.summaries)
first picks the CANDIDATES likeliest to weigh most, and only those are looked up.

The numbers were chosen on the dev set with benchmarks/relevance.py (nDCG@10 0.554 → 0.569). Each
of them set to a neighbouring value (10 or 20 hits, 5 to 20 lemmas, depth 30 or 100, 3 votes)
still gains 0.007 to 0.015: the gain is not fitted to a few queries."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable

from whoosh.reading import IndexReader

from search.index.columns import column
from search.index.summaries import IndexSummary

FEEDBACK_DOCS = 15
MIN_VOTES = 2
CANDIDATES = 30
EXPANSION_TERMS = 10
DEPTH = 50

Ranked = list[tuple[int, float]]


class LeadStats:
    """What feedback keeps for one generation of the index: in how many bulletins' leads each lemma
    stands (from the segments' summaries), and in how many bodies each lemma weighed so far stands
    (shared by the threads)."""

    def __init__(self, reader: IndexReader, summary: IndexSummary) -> None:
        self.count = reader.doc_count()
        self.in_leads = summary.in_leads
        self.in_bodies: dict[str, int] = {}


class Leads:
    """The lead lemmas of bulletins and their idf, as one thread's reader reads them."""

    def __init__(self, reader: IndexReader, stats: LeadStats) -> None:
        self._reader = reader
        self._column = column(reader, "lead")
        self._stats = stats

    def of(self, docnum: int) -> frozenset[str]:
        return frozenset(self._column[docnum].decode("utf-8").split())

    def holding(self, docnum: int, lemmas: dict[bytes, str]) -> list[str]:
        """Which of `lemmas` (made by `needles`) the bulletin's lead holds: quicker to know than its
        whole set of lemmas when they are few."""
        lead = b" " + self._column[docnum] + b" "
        return [lemma for needle, lemma in lemmas.items() if needle in lead]

    def rough_idf(self, lemma: str) -> float:
        """BM25's idf of the lemma over the leads: quicker to know than `idf`."""
        return bm25_idf(self._stats.count, self._stats.in_leads(lemma))

    def idf(self, lemma: str) -> float:
        """BM25's idf of the lemma over the bodies."""
        return bm25_idf(self._stats.count, self._in_bodies(lemma))

    def share(self, lemma: str) -> float:
        """The share of the bulletins whose bodies hold the lemma."""
        return self._in_bodies(lemma) / self._stats.count if self._stats.count else 0.0

    def _in_bodies(self, lemma: str) -> int:
        found = self._stats.in_bodies.get(lemma)
        if found is None:
            found = self._stats.in_bodies[lemma] = self._reader.doc_frequency("body", lemma)
        return found


def needles(lemmas: Iterable[str]) -> dict[bytes, str]:
    """The lemmas as `Leads.holding` looks for them in a lead (its lemmas between single spaces)."""
    return {f" {lemma} ".encode("utf-8"): lemma for lemma in lemmas}


def bm25_idf(count: int, found: int) -> float:
    """BM25's idf of something `found` in that many of `count` bulletins."""
    return math.log(1 + (count - found + 0.5) / (found + 0.5))


def feedback_model(best: list[int], leads: Leads) -> dict[str, float]:
    """The feedback model of the best matches (best first): {lemma: weight}; empty for fewer than
    MIN_VOTES matches."""
    if len(best) < MIN_VOTES:
        return {}
    return model([leads.of(docnum) for docnum in best[:FEEDBACK_DOCS]], leads.idf, leads.rough_idf)


def rerank_tiers(tiers: list[Ranked], leads: Leads, found: dict[str, float], weight: float) -> list[Ranked]:
    """Each tier's ranking (best first) with its first DEPTH hits reordered by their scores plus the
    feedback bonus of the model `found` (added to their scores)."""
    total = sum(found.values())
    if not weight or not total:
        return tiers
    bonus = {lemma: weight * share / total for lemma, share in found.items()}
    wanted = needles(bonus)
    return [reorder(ranked, lambda docnum: sum(bonus[lemma] for lemma in leads.holding(docnum, wanted)))
            for ranked in tiers]


def model(leads: list[frozenset[str]], idf: Callable[[str], float], rough_idf: Callable[[str], float]) -> dict[str, float]:
    """The feedback model of the best hits' leads: {lemma: weight}. `rough_idf`,
    quicker to know than `idf`, picks the lemmas whose `idf` is worth looking up."""
    votes = Counter(lemma for lead in leads for lemma in lead)
    shared = [(lemma, count) for lemma, count in votes.items() if count >= MIN_VOTES]
    # Ties are broken by the lemma, not by the order of a set (which changes with the process's
    # hash seed): a search and its next page in two CLI runs, or a server before and after a
    # restart, pick the same lemmas.
    likely = heapq.nlargest(CANDIDATES, shared, key=lambda item: (item[1] * rough_idf(item[0]), item[0]))
    weighed = ((lemma, count * idf(lemma)) for lemma, count in likely)
    return dict(heapq.nlargest(EXPANSION_TERMS, weighed, key=lambda item: (item[1], item[0])))


def reorder(ranked: Ranked, gain: Callable[[int], float]) -> Ranked:
    """`ranked` with its first DEPTH hits re-sorted by their scores plus their `gain`."""
    rescored = [(docnum, score + gain(docnum)) for docnum, score in ranked[:DEPTH]]
    return sorted(rescored, key=lambda item: (-item[1], item[0])) + ranked[DEPTH:]
