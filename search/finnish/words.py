"""What one word means to the index: its base forms (lemmas) and, for compounds, its parts."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from search.finnish.guess import candidate_stems
from search.finnish.stopwords import STOPWORDS
from search.finnish.voikko import handle
from search.finnish.wordbases import compound_parts, participle_verb

# Lemma terms of words Voikko does not know start with this mark and hold a candidate stem, so
# that `Arcadan` and `Arcada` meet on `~arcada` without colliding with a real Finnish lemma.
STEM_MARK = "~"

# A word with a reading as a person's or place's name is not split (Jyväskylä is not jyvä+skylä).
# The plain `nimi` class is not among them: Kaupunginhallitus is an organisation and a compound.
_NAME_CLASSES = frozenset({"etunimi", "sukunimi", "paikannimi"})
# The longest case ending written after a colon (5G:ssä, EU:hun, HSL:ineen)
_CASE_ENDING = 5
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2019": "'"})


@dataclass(frozen=True, slots=True)
class WordAnalysis:
    """The index terms of one word: `lemmas` (all readings, lowercased, hyphens dropped), `parts`
    (what a compound holds, kept apart from the lemmas: every run of its consecutive parts shorter
    than the whole, in base form, single parts included), whether Voikko knew it, whether it is a
    stopword, and `exact`, its surface() form (kept here so that indexing computes it once per word,
    not per occurrence)."""

    lemmas: tuple[str, ...]
    parts: tuple[str, ...]
    known: bool
    stop: bool
    exact: str


class AnalysisStore(Protocol):
    """Analyses kept between runs (search.finnish.analysis_cache.AnalysisCache)."""

    def get(self, word: str) -> WordAnalysis | None: ...

    def add(self, word: str, analysis: WordAnalysis) -> None: ...


_local = threading.local()  # the store this thread's analyses go through, if any


def use_store(store: AnalysisStore | None) -> None:
    """Make this thread's analyses go through `store` (None: no longer)."""
    _local.store = store


def surface(word: str) -> str:
    """The exact-match form of a word: lowercased, with typographic dashes made plain."""
    return word.lower().translate(_DASHES)


def _lemma(text: str) -> str:
    """A base form as a term: lowercased, without compound marks or hyphens (kuorma-auto and
    kuormaauto are one word to a reader)."""
    return text.lower().replace("=", "").replace("-", "")


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _pieces(word: str) -> list[str]:
    """The pieces of a hyphenated word (any dash), or [] for an unhyphenated one."""
    pieces = [piece for piece in word.translate(_DASHES).split("-") if piece]
    return pieces if len(pieces) > 1 else []


def runs(parts: list[str], shortest: int = 1, joiner: str = "") -> list[str]:
    """Every run of at least `shortest` consecutive parts but shorter than the whole, joined, shorter
    runs first: yritys+hautomo+palvelu → yritys, hautomo, palvelu, yrityshautomo, hautomopalvelu.
    A query word found among them stands inside the compound (the whole is the compound's lemma)."""
    count = len(parts)
    return [joiner.join(parts[start:start + size])
            for size in range(shortest, count) for start in range(count - size + 1)]


def _piece_terms(pieces: list[str]) -> list[str]:
    return [term for piece in pieces for analysis in [analyze_word(piece)]
            for term in (*analysis.lemmas, *analysis.parts)]


def _boundaries(analysis: dict) -> int:
    """How many parts a Voikko reading joins (1 for a word that is no compound)."""
    return analysis.get("STRUCTURE", "").count("=")


def _is_split(analyses: list[dict]) -> bool:
    """Whether a word with these Voikko readings is split into its parts: a name never is, and by
    compound elimination (as in Karlsson's constraint grammar for Finnish) neither is a word that has
    a reading as a plain word. Voikko also reads many plain inflected words as compounds of short
    words (hakemusta as hake+musta, kuuluvan as kuu+lupa, vankilasta as vanki+lapsi), and their parts
    would make `musta`, `lupa` and `lapsi` match them. Of a word read only as compounds, every split
    counts: asuntokauppalain is asunto+kauppa+laki as well as asunto+kauppala."""
    return (not any(analysis.get("CLASS") in _NAME_CLASSES for analysis in analyses)
            and min(map(_boundaries, analyses)) > 1)


def _known(word: str, analyses: list[dict]) -> WordAnalysis:
    lemmas: list[str] = []
    parts: list[str] = []
    split = _is_split(analyses)
    for analysis in analyses:
        lemmas.append(_lemma(analysis["BASEFORM"]))
        wordbases = analysis.get("WORDBASES", "")
        if "PARTICIPLE" in analysis:
            lemmas.append(participle_verb(wordbases) or "")
        if split:
            compound = compound_parts(wordbases)
            parts.extend(runs(compound))
            # lastenklinikka is also lapsiklinikka: the compound with every part in its base form
            lemmas.append("".join(compound))
    parts.extend(_piece_terms(_pieces(word)))  # elinkeino-osaston: a reader looks for elinkeino
    lemmas_t = _unique(lemmas)
    stop = all(lemma in STOPWORDS for lemma in lemmas_t)
    parts_t = tuple(part for part in _unique(parts) if part not in lemmas_t and len(part) > 1)
    return WordAnalysis(lemmas_t, parts_t, True, stop, surface(word))


def _guesses(low: str) -> tuple[list[str], list[str]]:
    """For an unknown word: the lemmas of candidate stems that Voikko knows as base forms
    (smoothieita → smoothie), and every candidate stem, marked."""
    known = []
    for stem in candidate_stems(low):
        known += [_lemma(a["BASEFORM"]) for a in handle().analyze(stem) if _lemma(a["BASEFORM"]) == stem]
    return known, [STEM_MARK + stem for stem in candidate_stems(low)]


def _colon_word(low: str) -> WordAnalysis:
    """A word with colons: letters after the last colon are a case ending (5G:n, HSL:ää,
    KKO:2019:105:ssä); what the colons join before it is one term (2019:105, 21:1, 16:00), and every
    run of its pieces is a part, as a compound's is, so `2019:105` finds `KKO:2019:105`."""
    pieces = _colon_pieces(low)
    return WordAnalysis((":".join(pieces),), _unique(runs(pieces, joiner=":")), False, False, low)


def _colon_pieces(low: str) -> list[str]:
    """What the colons of a word join, without the case ending after the last one."""
    pieces = low.split(":")
    if pieces[-1].isalpha() and len(pieces[-1]) <= _CASE_ENDING:
        pieces.pop()
    return pieces


def _unknown(word: str) -> WordAnalysis:
    low = surface(word)
    if ":" in low:
        return _colon_word(low)
    pieces = _pieces(word)
    if not pieces:
        if low[0].isdigit():
            return WordAnalysis((low,), (), False, False, low)
        known, stems = _guesses(low)
        return WordAnalysis(_unique([low, *known, *stems]), (), False, False, low)
    if all(piece[0].isdigit() for piece in pieces):  # 2017–2021, 2024-009117
        return WordAnalysis((low,), _unique(pieces), False, False, low)
    # TGV-junat, 1980-luvun, Haaga-Helian: the head as written, the last piece analysed
    head = "".join(pieces[:-1]).lower()
    last = analyze_word(pieces[-1])
    lemmas = [STEM_MARK + head + lemma[1:] if lemma.startswith(STEM_MARK) else head + lemma
              for lemma in last.lemmas]
    # covid-19-potilaiden holds covid-19: runs of two or more pieces, the last one by its lemma
    pieced = runs([piece.lower() for piece in pieces[:-1]] + [last.lemmas[0].lstrip(STEM_MARK)], shortest=2)
    return WordAnalysis(_unique([_lemma(low), *lemmas]), _unique(_piece_terms(pieces) + pieced), False, False, low)


# A compound as its parts in order, each part by its base forms (a hyphenated word's piece can have several).
Split = tuple[tuple[str, ...], ...]


@lru_cache(maxsize=10_000)
def splits(word: str) -> tuple[Split, ...]:
    """The ways a query word splits into the parts that the index holds it by: each compound reading
    (its parts in base form), and the pieces of a hyphenated word or of a code with colons. A
    bulletin that holds every part of one of them, but never the word, holds the word only as its
    scattered parts (a related result): `päiväkoti` is not found in a bulletin by `päivä` alone."""
    found: list[Split] = []
    analyses = handle().analyze(word) if word[0].isalpha() else []
    if analyses and _is_split(analyses):
        found += [tuple((part,) for part in compound_parts(analysis.get("WORDBASES", ""))) for analysis in analyses]
    low = surface(word)
    pieces = _colon_pieces(low) if not analyses and ":" in low else _pieces(word)
    if pieces:
        found.append(tuple(analyze_word(piece).lemmas for piece in pieces))
    lemmas = set(analyze_word(word).lemmas)
    kept = []
    for split in found:  # as the index holds parts: of two letters or more
        parts = tuple(forms for forms in (tuple(form for form in forms if len(form) > 1) for forms in split) if forms)
        if len(parts) > 1 and not all(lemmas.issuperset(forms) for forms in parts):
            kept.append(parts)
    return _unique(kept)


@lru_cache(maxsize=300_000)
def analyze_word(word: str) -> WordAnalysis:
    """Analyse one word as the tokenizer cut it (any case). Cached: words repeat a lot, and in a
    thread that uses a store (use_store), what it holds is not analysed again."""
    store: AnalysisStore | None = getattr(_local, "store", None)
    if store is not None and (stored := store.get(word)) is not None:
        return stored
    analyses = handle().analyze(word) if word[0].isalpha() else []
    analysis = _known(word, analyses) if analyses else _unknown(word)
    if store is not None:
        store.add(word, analysis)
    return analysis
