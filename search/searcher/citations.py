"""Feedback from what the best hits refer to: decisions on one question apply the same provisions
and cite one another (search.index.references says what a bulletin refers to).

Two steps follow the feedback from the leads (search.searcher.feedback), each reordering only the
first DEPTH hits of each tier:
- provisions: the provisions applied by at least MIN_VOTES of the best FEEDBACK_DOCS hits make a
  model as the leads' lemmas do, and a hit gains the `provisions` weight times the share of the
  model's weight that it applies;
- citations: a hit gains the `citations` weight times the share of the best CITING_DOCS hits that
  cite it or that it cites.

Chosen on the dev set with benchmarks/relevance.py: nDCG@10 0.569 → 0.578 (citations alone 0.575,
provisions alone 0.571). Neighbouring settings still gain: citations alone at 40–150 or from 5–20
citing hits 0.572–0.575, and with provisions at 20–60 0.573–0.578. A decision that the best hits
cite, or that cites them, is on their question whatever words it uses for it."""

from __future__ import annotations

from collections import Counter, defaultdict

from whoosh.reading import IndexReader

from search.index.columns import column
from search.index.references import own_precedent
from search.searcher.feedback import Ranked, bm25_idf, reorder

CITING_DOCS = 10


class References:
    """What the live bulletins of one index generation refer to: the provisions each applies, in how
    many bulletins each provision stands, and which bulletins cite one another (either way)."""

    def __init__(self, reader: IndexReader) -> None:
        ids, cites, provisions = (column(reader, name) for name in ("id", "cites", "provisions"))
        live = list(reader.all_doc_ids())
        self.count = len(live)
        applied = ((docnum, frozenset(provisions[docnum].decode("utf-8").split())) for docnum in live)
        self.provisions = {docnum: keys for docnum, keys in applied if keys}
        self.in_provisions = Counter(key for keys in self.provisions.values() for key in keys)
        precedents = {key: docnum for docnum in live if (key := own_precedent(ids[docnum]))}
        links: dict[int, set[int]] = defaultdict(set)
        for docnum in live:
            for key in cites[docnum].decode("utf-8").split():
                cited = precedents.get(key)
                if cited is not None and cited != docnum:
                    links[docnum].add(cited)
                    links[cited].add(docnum)
        self.links = {docnum: frozenset(linked) for docnum, linked in links.items()}

    def of(self, docnum: int) -> frozenset[str]:
        """The provisions the bulletin applies."""
        return self.provisions.get(docnum, frozenset())

    def idf(self, provision: str) -> float:
        """BM25's idf of the provision over the bulletins."""
        return bm25_idf(self.count, self.in_provisions[provision])

    rough_idf = idf  # counted once per generation: as quick as it gets


def rerank_by_citations(tiers: list[Ranked], links: dict[int, frozenset[int]], weight: float) -> list[Ranked]:
    """Each tier's ranking with its first hits reordered by their scores plus `weight` times the
    share of the best CITING_DOCS hits (of all the tiers, the first tier's first) linked to them."""
    best = [docnum for ranked in tiers for docnum, _ in ranked][:CITING_DOCS]
    votes = Counter(linked for docnum in best for linked in links.get(docnum, ()))
    if not weight or not votes:
        return tiers
    return [reorder(ranked, lambda docnum: weight * votes[docnum] / len(best)) for ranked in tiers]
