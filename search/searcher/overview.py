"""What the index holds, for a person who has not searched yet: how many bulletins, from which years,
when it was last updated, from which deciding bodies, and searches worth trying in it."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from search.finnish import STEM_MARK, analyze_word
from search.finnish.voikko import handle
from search.searcher.filters import BulletinFields
from search.searcher.vocabulary import Vocabulary

EXAMPLES = 5
# A word in more than this share of the titles says little about any one bulletin.
COMMON = 0.2
# Below this many bulletins every title word is worth showing: there is nothing to set it apart from.
FEW = 20


@dataclass(frozen=True)
class Overview:
    """The index at a glance. `organs` and `kinds` map each name to its bulletins, most first;
    `examples` are words of the titles (base forms of nouns) that several bulletins share."""

    bulletins: int
    first_year: int | None
    last_year: int | None
    updated: datetime
    organs: dict[str, int]
    kinds: dict[str, int]
    examples: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"bulletins": self.bulletins, "first_year": self.first_year, "last_year": self.last_year,
                "updated": self.updated.isoformat(timespec="seconds"), "organs": self.organs, "kinds": self.kinds,
                "examples": list(self.examples)}


def overview(reader: Vocabulary, fields: BulletinFields, updated: datetime) -> Overview:
    """The overview of the live bulletins that `fields` describe, as `reader` reads the index."""
    years = [day.year for day in fields.dates.values()]
    counts = fields.facets(set(fields.dates))
    return Overview(bulletins=len(fields.dates), first_year=min(years, default=None), last_year=max(years, default=None),
                    updated=updated, organs=counts["organ"], kinds=counts["kind"],
                    examples=examples(reader, len(fields.dates)))


def examples(reader: Vocabulary, bulletins: int, count: int = EXAMPLES) -> tuple[str, ...]:
    """The nouns in base form that the most titles hold, leaving out those in more than COMMON of them
    (unless the index is small): searches that find a topic of this index, whatever it holds."""
    most = bulletins if bulletins < FEW else max(2, int(bulletins * COMMON))
    least = 2 if bulletins >= FEW else 1
    frequent = heapq.nlargest(20 * count, ((info.doc_frequency(), term.decode("utf-8"))
                                           for term, info in reader.iter_field("title")
                                           if least <= info.doc_frequency() <= most))
    chosen = (word for titles, word in sorted(frequent, key=lambda item: (-item[0], item[1]))
              if _noun(word) and _written(word, titles, reader))
    return tuple(islice(chosen, count))


def _written(term: str, titles: int, reader: Vocabulary) -> bool:
    """Whether the bulletins write the word in its own forms, in at least half as many bulletins as
    have it in their titles: a compound with its parts in base form makes a lemma term too (työntekijä
    → työtekijä), which then seems frequent though hardly anyone writes it."""
    stem = term[:max(3, len(term) - 3)]  # the inflected forms of a word begin so, despite stem changes
    written = sum(info.doc_frequency() for form, info in islice(reader.iter_prefix("exact", stem), 500)
                  if term in analyze_word(form.decode("utf-8")).lemmas)
    return written * 2 >= titles


def _noun(term: str) -> bool:
    """Whether a lemma term is a noun's base form as written (not a compound rebuilt from its parts'
    base forms, nor a guessed stem) of four letters or more."""
    if term.startswith(STEM_MARK) or not term.isalpha() or len(term) < 4 or analyze_word(term).stop:
        return False
    return any(reading.get("CLASS") == "nimisana" and reading["BASEFORM"].lower() == term
               for reading in handle().analyze(term))
