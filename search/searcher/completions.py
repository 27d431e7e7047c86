"""Completions of a query as it is typed: the index's own words that begin like its last word, each
as its base form (`kaupunginh`, `kaupunginhallituksen` → kaupunginhallitus), the ones most bulletins
hold first; after `organ:`, `kind:` or `classification:`, the names the index holds."""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from os.path import commonprefix

from search.finnish import STEM_MARK, analyze_word, surface
from search.searcher.query import FILTER_FIELDS
from search.searcher.vocabulary import FieldNames, Vocabulary

# Fewer letters than this complete nothing: too many words begin so to choose from.
MIN_CHARS = 2
LIMIT = 8
# Only the most frequent written forms that begin like the typed word are read for their base forms:
# enough for the words a person picks from eight, and few enough to answer in milliseconds.
FORMS = 300

# The last word of the query, as a word may begin: at the start, after a space, a quote mark, a
# parenthesis or a leading hyphen (-korona), or after `title:`.
_WORD = re.compile(r"(?:^|(?<=[\s\"(])|(?<=^-)|(?<=\s-)|(?<=title:))(?P<word>[^\W\d_][\w-]*)$", re.IGNORECASE)
_FILTER = re.compile(rf"(?:^|(?<=[\s-]))(?P<field>{'|'.join(FILTER_FIELDS)}):(?:\"(?P<quoted>[^\"]*)|(?P<bare>[^\s\"]*))$",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Completion:
    """One way to complete the query: `query` is the whole query with its last word (or name)
    completed to `word`, which `bulletins` bulletins hold."""

    query: str
    word: str
    bulletins: int

    def to_dict(self) -> dict:
        return {"query": self.query, "word": self.word, "bulletins": self.bulletins}


def complete(text: str, reader: Vocabulary, fields: FieldNames, limit: int = LIMIT) -> tuple[Completion, ...]:
    """The completions of `text`'s last word or filter name, most bulletins first; none when the
    text ends in a space or its last word is shorter than MIN_CHARS."""
    found = _FILTER.search(text)
    if found:
        typed = found["quoted"] if found["quoted"] is not None else found["bare"]
        return _names(text[:found.start("field")] + found["field"].lower() + ":", typed, fields, found["field"].lower(),
                      limit)
    found = _WORD.search(text)
    if not found or len(found["word"]) < MIN_CHARS or found["word"] in ("OR", "AND", "NOT"):
        return ()
    head = text[:found.start("word")]
    return tuple(Completion(head + word, word, count) for word, count in _words(found["word"], reader, limit))


def _words(typed: str, reader: Vocabulary, limit: int) -> list[tuple[str, int]]:
    """The base forms of the indexed words that begin with `typed`, with how many bulletins hold
    each in any inflection, most first (then alphabetically)."""
    prefix = surface(typed)
    forms = heapq.nlargest(FORMS, ((info.doc_frequency(), term.decode("utf-8"))
                                   for term, info in reader.iter_prefix("exact", prefix)))
    written: dict[str, str] = {}
    for _, form in forms:
        analysis = analyze_word(form)
        if analysis.stop:
            continue
        lemma = _base_form(form, prefix, analysis.lemmas, reader) if analysis.known else form
        written.setdefault(lemma, _hyphened(lemma, form))
    counts = {lemma: _bulletins(lemma, reader) for lemma in written}
    best = sorted(counts, key=lambda lemma: (-counts[lemma], written[lemma]))[:limit]
    return [(written[lemma], counts[lemma]) for lemma in best]


def _base_form(form: str, prefix: str, lemmas: tuple[str, ...], reader: Vocabulary) -> str:
    """The reading of `form` to offer: one that begins as typed if any does, then the one most
    bulletins hold, then the one closest to the written form (kaupunginhallitus, not the
    kaupunkihallitus that its parts in base form make)."""
    readings = [lemma for lemma in lemmas if not lemma.startswith(STEM_MARK)] or [form]
    return max(readings, key=lambda lemma: (lemma.startswith(prefix), _bulletins(lemma, reader),
                                            len(commonprefix([lemma, form]))))


def _hyphened(lemma: str, form: str) -> str:
    """The base form with the hyphens the written form has where their pieces begin it (a term drops
    them: kuorma-autojen → kuormaauto → kuorma-auto)."""
    pieces = form.split("-")
    head = ""
    for piece in pieces[:-1]:
        if not lemma.startswith(piece, len(head) - head.count("-")):
            break
        head += piece + "-"
    return head + lemma[len(head) - head.count("-"):]


def _bulletins(lemma: str, reader: Vocabulary) -> int:
    """How many bulletins hold the word in any inflection (in the title or the text)."""
    return max(reader.doc_frequency("body", lemma), reader.doc_frequency("title", lemma))


def _names(head: str, typed: str, fields: FieldNames, field: str, limit: int) -> tuple[Completion, ...]:
    """The names of `field` in which a word begins with `typed` (any case), most bulletins first."""
    typed = " ".join(typed.lower().split())
    counts = {value: count for value, count in fields.name_counts(field).items()
              if value.startswith(typed) or f" {typed}" in value}
    best = sorted(counts, key=lambda value: (-counts[value], value))[:limit]
    names = fields.names[field]
    return tuple(Completion(head + (f'"{names[value]}"' if " " in names[value] else names[value]), names[value],
                            counts[value]) for value in best)
