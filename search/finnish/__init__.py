"""Finnish analysis with Voikko: words → lemmas, exact forms and compound parts."""

from search.finnish.analyzers import LEAD_WORDS, exact_analyzer, lemma_analyzer, parts_analyzer, term_lists
from search.finnish.tokenizer import leading_words, words
from search.finnish.voikko import check_voikko
from search.finnish.words import STEM_MARK, WordAnalysis, analyze_word, splits, surface

__all__ = [
    "LEAD_WORDS",
    "STEM_MARK",
    "WordAnalysis",
    "analyze_word",
    "check_voikko",
    "exact_analyzer",
    "leading_words",
    "lemma_analyzer",
    "parts_analyzer",
    "splits",
    "surface",
    "term_lists",
    "words",
]
