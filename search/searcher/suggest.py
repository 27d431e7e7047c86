"""Did-you-mean: for a query word that Voikko does not know and the index has rarely or never
seen, the spelling among Voikko's suggestions that the index holds most often, unless the word
finds that spelling already (an open compound written with a hyphen finds the closed one)."""

from __future__ import annotations

from search.finnish import analyze_word, surface
from search.finnish.voikko import handle
from search.searcher.query import ParsedQuery
from search.searcher.vocabulary import Vocabulary

# A word is rare when at most this many bulletins have it in exactly this form.
RARE = 2


def suggest(query: str, parsed: ParsedQuery, reader: Vocabulary) -> str | None:
    """The query text with its misspelt words corrected, or None when there is nothing to correct."""
    text = query
    words = [word for group in parsed.required for term in group if not term.prefix for word in term.words]
    for word in sorted(words, key=lambda word: word.start, reverse=True):
        better = correction(word.text, reader)
        if better:
            text = text[:word.start] + better + text[word.start + len(word.text):]
    return text if text != query else None


def correction(word: str, reader: Vocabulary) -> str | None:
    """The correction of one word, or None when it is known, common in the index, or nothing better is indexed."""
    analysis = analyze_word(word)
    if analysis.known or not word[0].isalpha():
        return None
    seen = reader.doc_frequency("exact", surface(word))
    if seen > RARE:
        return None
    best, best_count = None, seen
    for candidate in handle().suggest(word):
        if " " in candidate or "-" in candidate and "-" not in word:
            continue
        lemmas = analyze_word(candidate).lemmas
        if set(lemmas) <= set(analysis.lemmas):  # the word finds this spelling already: yritys-hautomo is yrityshautomo
            continue
        count = max(reader.doc_frequency(field, lemma) for lemma in lemmas for field in ("body", "title"))
        if count > best_count:
            best, best_count = candidate, count
    return best
