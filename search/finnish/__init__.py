"""Finnish analysis with Voikko: words → lemmas, exact forms and compound parts."""

from search.finnish.analyzers import exact_analyzer, exact_and_part_terms, lemma_analyzer, parts_analyzer
from search.finnish.tokenizer import words
from search.finnish.voikko import check_voikko
from search.finnish.words import STEM_MARK, WordAnalysis, analyze_word, surface

__all__ = [
    "STEM_MARK",
    "WordAnalysis",
    "analyze_word",
    "check_voikko",
    "exact_analyzer",
    "exact_and_part_terms",
    "lemma_analyzer",
    "parts_analyzer",
    "surface",
    "words",
]
