"""What one word means to the index: its base forms (lemmas) and, for compounds, its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from search.finnish.stopwords import STOPWORDS
from search.finnish.voikko import handle

# Lemma terms of words Voikko does not know start with this mark and hold a candidate stem, so
# that `Arcadan` and `Arcada` meet on `~arcada` without colliding with a real Finnish lemma.
STEM_MARK = "~"

_NAME_CLASSES = frozenset({"nimi", "etunimi", "sukunimi", "paikannimi"})
_SEGMENT = re.compile(r"\+([^+(]*)(?:\(([^)]*)\))?")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2019": "'"})


@dataclass(frozen=True, slots=True)
class WordAnalysis:
    """The index terms of one word: `lemmas` (all readings, lowercased), `parts` (compound parts,
    kept apart from the lemmas), whether Voikko knew the word, and whether it is a stopword."""

    lemmas: tuple[str, ...]
    parts: tuple[str, ...]
    known: bool
    stop: bool


def surface(word: str) -> str:
    """The exact-match form of a word: lowercased, with typographic dashes made plain."""
    return word.lower().translate(_DASHES)


def _wordbase_parts(wordbases: str) -> list[str]:
    """Split Voikko's WORDBASES (`+yrit(yrittää)+ys(+ys)+hautomo(hautomo)`) into compound parts
    (`yritys`, `hautomo`): a morpheme with a base of its own starts a part; suffixes join it."""
    groups: list[list[tuple[str, str | None]]] = []
    for morph, base in _SEGMENT.findall(wordbases):
        if base and not base.startswith("+"):
            groups.append([(morph, base)])
        elif groups:
            groups[-1].append((morph, None))
    parts = []
    for group in groups:
        if len(group) == 1:
            part = group[0][1]
        else:
            part = "".join(morph for morph, _ in group)
        part = part.strip("-").lower()
        if len(part) > 1:
            parts.append(part)
    return parts


def _participle_verb(wordbases: str) -> str | None:
    """The verb a participle comes from (`+hyväksy(hyväksyä)+t+ty(+ty)` → `hyväksyä`)."""
    bases = [base for _, base in _SEGMENT.findall(wordbases) if base and not base.startswith("+")]
    return bases[-1].lower() if bases else None


# Case, number and possessive endings, longest first: stripping them gives the candidate stems of
# a word Voikko does not know. Two forms conflate when they share a candidate.
_ENDINGS = sorted(set("""
issa issä ista istä illa illä ilta iltä ille iksi ihin ineen iden itten
ssa ssä sta stä lla llä lta ltä lle ksi tta ttä seen siin ien jen den tten
hin hen han hon hun hyn hän hön aan ään een iin oon uun yyn ita itä ina inä
nsa nsä mme nne ja jä ta tä na nä an än en in on un yn a ä n t i
""".split()), key=len, reverse=True)
_MIN_STEM = 3


def _stems(low: str) -> tuple[str, ...]:
    """The marked candidate stems of an unknown word: itself and itself less each ending it has."""
    stems = {low}
    for ending in _ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= _MIN_STEM:
            stems.add(low[: -len(ending)])
    return tuple(STEM_MARK + stem for stem in sorted(stems, key=len, reverse=True))


def _hyphen_pieces(word: str) -> list[WordAnalysis]:
    """The analyses of the pieces of a hyphenated word (any dash), none for an unhyphenated one."""
    pieces = [piece for piece in word.translate(_DASHES).split("-") if piece]
    return [analyze_word(piece) for piece in pieces] if len(pieces) > 1 else []


def _fallback(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lemmas and parts of a word Voikko does not know: the word and its candidate stems, and for
    a hyphenated word also the analyses of its pieces."""
    low = surface(word)
    if ":" in low:  # an abbreviation with a case ending: 5G:n, HSL:ää
        return (low.split(":", 1)[0],), ()
    if low[0].isdigit():
        pieces = tuple(p for p in re.split(r"[-.,]", low) if p) if "-" in low else ()
        return (low,), pieces if len(pieces) > 1 else ()
    if "-" in low:
        head, _, last = low.rpartition("-")
        stems = tuple(STEM_MARK + head + "-" + stem[1:] for stem in _stems(last))
        parts = tuple(term for piece in _hyphen_pieces(word) for term in (*piece.lemmas, *piece.parts))
        return (low, *stems), parts
    return (low, *_stems(low)), ()


@lru_cache(maxsize=300_000)
def analyze_word(word: str) -> WordAnalysis:
    """Analyse one word (as the tokenizer cut it, any case). Cached: words repeat a lot."""
    analyses = handle().analyze(word) if word[0].isalpha() else []
    if not analyses:
        lemmas, parts = _fallback(word)
        return WordAnalysis(tuple(dict.fromkeys(lemmas)), tuple(dict.fromkeys(parts)), False, False)
    lemmas: dict[str, None] = {}
    parts: dict[str, None] = {}
    for analysis in analyses:
        lemmas[analysis["BASEFORM"].lower()] = None
        wordbases = analysis.get("WORDBASES", "")
        if "PARTICIPLE" in analysis:
            verb = _participle_verb(wordbases)
            if verb:
                lemmas[verb] = None
        if analysis.get("CLASS") not in _NAME_CLASSES and analysis.get("STRUCTURE", "").count("=") > 1:
            for part in _wordbase_parts(wordbases):
                parts[part] = None
    if "-" in word:  # elinkeino-osaston: Voikko splits elin+keino, a reader looks for elinkeino
        for piece in _hyphen_pieces(word):
            for term in (*piece.lemmas, *piece.parts):
                parts[term] = None
    for lemma in lemmas:
        parts.pop(lemma, None)
    stop = all(lemma in STOPWORDS for lemma in lemmas)
    return WordAnalysis(tuple(lemmas), tuple(parts), True, stop)
