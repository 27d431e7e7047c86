"""What the index says of each bulletin besides its text (its date, deciding body, kind and
classification), gathered from the segments' summaries once per index generation: the filters
narrow a search by them, and the facets count the matches by them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import product

from search.index.summaries import IndexSummary
from search.searcher.query import FILTER_FIELDS, DateRange, FieldFilter

# The facets a search counts, in the order they are shown.
FACETS = ("year", "organ", "kind")


class BulletinFields:
    """The dates of the live bulletins, and the bulletins of each name a field holds
    (lowercased, as filters compare them), with the name as most bulletins write it."""

    def __init__(self, summary: IndexSummary, live: Iterable[int]) -> None:
        live = set(live)
        self.dates: dict[int, date] = {}
        written: dict[str, dict[int, str]] = {field: {} for field in FILTER_FIELDS}
        for base, segment in summary.segments:
            for docnum, ordinal in enumerate(segment.dates, base):
                if docnum in live:
                    self.dates[docnum] = date.fromordinal(ordinal)
            for field in FILTER_FIELDS:
                written[field].update((docnum, name) for docnum, name in enumerate(segment.fields[field], base)
                                      if name and docnum in live)
        self.values: dict[str, dict[int, str]] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.holders: dict[str, dict[str, set[int]]] = {}
        for field in FILTER_FIELDS:
            self.values[field] = {docnum: name.lower() for docnum, name in written[field].items()}
            spellings: dict[str, Counter] = defaultdict(Counter)
            holders: dict[str, set[int]] = defaultdict(set)
            for docnum, name in written[field].items():
                spellings[name.lower()][name] += 1
                holders[name.lower()].add(docnum)
            self.names[field] = {value: counts.most_common(1)[0][0] for value, counts in spellings.items()}
            self.holders[field] = dict(holders)

    def allowed(self, dates: DateRange, year: int | None,
                *filter_sets: tuple[FieldFilter, ...]) -> frozenset[int] | None:
        """The bulletins within the dates, of the year and passing every set of filters (in each
        field, any of its positive filters and none of its negated ones: the `organ:` filters of a
        query are one set, the page's organ filter another); None when nothing is filtered out."""
        if dates == DateRange() and year is None and not any(filter_sets):
            return None
        first, last = dates.first or date.min, dates.last or date.max
        allowed = {docnum for docnum, day in self.dates.items()
                   if first <= day <= last and (year is None or day.year == year)}
        for filters, field in product(filter_sets, FILTER_FIELDS):
            wanted = [test for test in filters if test.field == field and not test.negated]
            unwanted = [test for test in filters if test.field == field and test.negated]
            if wanted:
                allowed &= self._holding(field, wanted)
            if unwanted:
                allowed -= self._holding(field, [FieldFilter(test.field, test.value, test.prefix) for test in unwanted])
        return frozenset(allowed)

    def _holding(self, field: str, tests: list[FieldFilter]) -> set[int]:
        """The bulletins whose `field` passes any of `tests`."""
        return {docnum for value, docnums in self.holders[field].items() if any(test.accepts(value) for test in tests)
                for docnum in docnums}

    def name_counts(self, field: str) -> dict[str, int]:
        """How many bulletins hold each (lowercased) name of `field`."""
        return {value: len(holders) for value, holders in self.holders[field].items()}

    def facets(self, docs: set[int]) -> dict[str, dict[str, int]]:
        """How many of `docs` have each year (newest first), deciding body and kind (most first)."""
        years = Counter(self.dates[docnum].year for docnum in docs)
        found = {"year": {str(year): count for year, count in sorted(years.items(), reverse=True)}}
        for field in FACETS[1:]:
            values, names = self.values[field], self.names[field]
            counts = Counter(values[docnum] for docnum in docs if docnum in values)
            found[field] = {names[value]: count for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))}
        return found
