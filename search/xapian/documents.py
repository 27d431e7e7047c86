"""A bulletin as a Xapian document: the same terms as the Whoosh index holds, under a prefix per
field, with positions where phrases need them, the values that sort and count, and the stored
fields as JSON.

Title and body lemmas keep their word positions (a stopword's position stays used, and every lemma
of one word shares the word's position), so a phrase is an OP_PHRASE over the lemmas of each word."""

from __future__ import annotations

import json
from collections import Counter

import xapian

from search.corpus import Bulletin
from search.finnish import analyze_word, term_lists
from search.finnish.tokenizer import word_texts
from search.index.documents import case_terms, indexed_hash
from search.xapian.layout import CLASSIFICATION, DATE, HASH, ID, KIND, LEAD, MAX_TERM_BYTES, ORGAN, PREFIXES, YEAR


def to_document(bulletin: Bulletin, file: str = "") -> xapian.Document:
    """The Xapian document of `bulletin`, read from the corpus's `file` (relative to the corpus)."""
    document = xapian.Document()
    _positional(document, PREFIXES["title"], bulletin.title)
    _positional(document, PREFIXES["body"], bulletin.body)
    terms = term_lists(f"{bulletin.title}\n{bulletin.body}")
    for prefix, found in ((PREFIXES["exact"], terms.exact), (PREFIXES["parts"], terms.parts)):
        for term, count in Counter(found).items():  # one call per term, with its count
            _add(document, prefix + term, count)
    for lemma in terms.lead:
        _boolean(document, PREFIXES["lead"] + lemma)
    document.add_value(LEAD, " ".join(terms.lead))
    document.add_value(ID, bulletin.id)
    for term in case_terms(bulletin.case) if bulletin.case else ():
        _add(document, PREFIXES["case"] + term)
    _boolean(document, PREFIXES["id"] + bulletin.id)
    if file:
        _boolean(document, PREFIXES["file"] + file)
    for field, slot in (("organ", ORGAN), ("kind", KIND), ("classification", CLASSIFICATION)):
        value = getattr(bulletin, field)
        if value:
            _boolean(document, PREFIXES[field] + value.lower())
            document.add_value(slot, value)
    day = bulletin.date.first_day
    document.add_value(DATE, xapian.sortable_serialise(day.toordinal()))
    document.add_value(YEAR, str(day.year))
    document.add_value(HASH, indexed_hash(bulletin, file))
    stored = {"id": bulletin.id, "title": bulletin.title, "body": bulletin.body, "date_text": str(bulletin.date),
              "organ": bulletin.organ, "lang": bulletin.lang, "kind": bulletin.kind, "case": bulletin.case,
              "classification": bulletin.classification, "section": bulletin.section, "url": bulletin.url,
              "source": bulletin.source}
    document.set_data(json.dumps({name: value for name, value in stored.items() if value is not None},
                                 ensure_ascii=False))
    return document


def stored_fields(document: xapian.Document) -> dict:
    """The stored fields of a document, as to_document() keeps them."""
    return json.loads(document.get_data())


def id_term(bulletin_id: str) -> str:
    return PREFIXES["id"] + bulletin_id


def _positional(document: xapian.Document, prefix: str, text: str) -> None:
    # runs for every word of every bulletin: names bound locally
    analyze, add, fits = analyze_word, document.add_posting, _fits
    for position, word in enumerate(word_texts(text), 1):
        analysis = analyze(word)
        if not analysis.stop:
            for lemma in analysis.lemmas:
                term = prefix + lemma
                if fits(term):
                    add(term, position)


def _fits(term: str) -> bool:
    """Whether Xapian takes the term (a character is at most 4 bytes: most terms need no encoding)."""
    return len(term) * 4 <= MAX_TERM_BYTES or len(term.encode("utf-8")) <= MAX_TERM_BYTES


def _add(document: xapian.Document, term: str, count: int = 1) -> None:
    if _fits(term):
        document.add_term(term, count)


def _boolean(document: xapian.Document, term: str) -> None:
    if _fits(term):
        document.add_boolean_term(term)
