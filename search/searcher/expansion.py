"""Query expansion: the lemmas that the openings of the best matches share, added to the query with a
low weight, find what the query's own words miss.

As in RM3 (Abdul-Jaleel et al., 2004), the query is interpolated with a model of what the best hits
hold: here the feedback model of the best matches' leads (search.searcher.feedback). Its lemmas that
the query does not have, with their shares of its weight, make the expansion query: each lemma is
searched in the bodies by BM25, boosted by the expansion weight times its share, so all of the
expansion together weighs at most as much as that weight times one query word. Then:

- every match and related result gains its score under the expansion query: within the matches,
  and within the related results, it only reorders;
- the NEW_HITS bulletins that score best under the expansion query alone, among those that neither
  match nor are related results, pass the filters and hold no excluded word, become related results:
  they follow every match and are never counted in the total.

The weight was chosen on the dev set with benchmarks/relevance.py: at 0.5 nDCG@10 gains 0.005 (79
queries better, 60 worse, p = 0.03) and Recall@100 0.010 (45 better, 11 worse, p < 0.001); at half
and twice that weight both still gain (0.577 and 0.821, 0.575 and 0.827, against 0.573 and 0.814
without). Drawing the model from the lemma counts of the whole texts instead of the leads (an RM1
over term frequencies, which would need a column of them) gained no more."""

from __future__ import annotations

import heapq
from collections.abc import Callable

from whoosh import query as q

from search.searcher.evaluate import Evaluator

NEW_HITS = 100
# A lemma in more of the bulletins than this says little of a topic, and reading where it stands
# costs the most: it is left out (on the dev set, as good as keeping every lemma, and a tenth does
# about as well).
MAX_SHARE = 0.2


def expansion_query(found: dict[str, float], own: set[str], share: Callable[[str], float],
                    weight: float) -> q.Query | None:
    """The lemmas of the feedback model `found` that are neither among the query's `own` lemmas nor
    in more than MAX_SHARE of the bulletins (by `share`), each searched in the bodies with `weight`
    times its share of their weight; None when none is left or the weight is 0."""
    lemmas = {lemma: part for lemma, part in found.items() if lemma not in own and share(lemma) <= MAX_SHARE}
    total = sum(lemmas.values())
    if not weight or not total:
        return None
    return q.Or([q.Term("body", lemma, boost=weight * part / total) for lemma, part in lemmas.items()])


def expansion_lemmas(expansion: q.Query) -> tuple[str, ...]:
    """The lemmas that an expansion query searches for."""
    return tuple(term.text for term in expansion.subqueries)


def new_hits(evaluator: Evaluator, expansion: q.Query, found: set[int], allowed: frozenset[int] | None,
             excluded: q.Query | None) -> set[int]:
    """The NEW_HITS bulletins, not among those `found` already, that score best under the expansion
    query; only `allowed` ones (all when None), and none that `excluded` matches."""
    candidates = evaluator.docs(expansion) - found
    if allowed is not None:
        candidates &= allowed
    if excluded is not None and candidates:
        candidates -= evaluator.docs(excluded)
    scores = evaluator.scores(expansion, candidates)
    return {docnum for docnum, _ in heapq.nlargest(NEW_HITS, scores.items(), key=lambda item: (item[1], -item[0]))}
