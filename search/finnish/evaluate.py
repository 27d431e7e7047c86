"""Measure the analysis: lemma conflation against gold lemmas of a CoNLL-U file, and throughput.

    python -m search.finnish.evaluate ../shared/ud/fi_tdt-ud-dev.conllu

The content-word conflation rate is the share of NOUN, VERB, ADJ, PROPN and ADV tokens whose lemma
terms share at least one term with the lemma terms of their gold lemma (compound marks `#`
removed); a stopword, which the index drops, counts as a miss. Throughput runs the lemma analysis
chain over the file's sentences, first with an empty word cache (cold) and then again with the
cache filled (warm)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click

from search.finnish.analyzers import lemma_analyzer
from search.finnish.tokenizer import words
from search.finnish.words import analyze_word

CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN", "ADV"})


@dataclass(frozen=True)
class GoldToken:
    form: str
    lemma: str
    upos: str


def read_conllu(path: Path) -> tuple[list[GoldToken], list[str]]:
    """The content tokens of a CoNLL-U file and the text of its sentences."""
    tokens: list[GoldToken] = []
    sentences: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            sentences.append(line[len("# text = "):])
            continue
        cols = line.split("\t")
        if len(cols) < 4 or not cols[0].isdigit() or cols[3] not in CONTENT_POS:
            continue
        tokens.append(GoldToken(cols[1], cols[2].replace("#", ""), cols[3]))
    return tokens, sentences


_ANALYZER = lemma_analyzer()


def lemma_terms(text: str) -> set[str]:
    """The lemma terms the index makes of `text`."""
    return {token.text for token in _ANALYZER(text)}


def conflation(tokens: list[GoldToken]) -> tuple[float, Counter, list[GoldToken]]:
    """The overall rate, the misses per part of speech, and the missed tokens."""
    missed = [t for t in tokens if not lemma_terms(t.form) & lemma_terms(t.lemma)]
    return 1 - len(missed) / len(tokens), Counter(t.upos for t in missed), missed


def throughput(sentences: list[str], rounds: int = 3) -> tuple[float, float]:
    """Words per second of the lemma chain: cold (empty cache, one pass) and warm (best of rounds)."""
    count = sum(1 for sentence in sentences for _ in words(sentence))
    analyze_word.cache_clear()
    cold_seconds = _timed_pass(sentences)
    warm_seconds = min(_timed_pass(sentences) for _ in range(rounds))
    return count / cold_seconds, count / warm_seconds


def _timed_pass(sentences: list[str]) -> float:
    start = time.perf_counter()
    for sentence in sentences:
        for _ in _ANALYZER(sentence):
            pass
    return time.perf_counter() - start


@click.command()
@click.argument("conllu", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--show-misses", default=0, help="Print this many missed tokens.")
def main(conllu: Path, show_misses: int) -> None:
    """Print the content-word conflation rate and the analysis throughput for CONLLU."""
    tokens, sentences = read_conllu(conllu)
    rate, by_pos, missed = conflation(tokens)
    totals = Counter(t.upos for t in tokens)
    click.echo(f"content tokens: {len(tokens)}")
    click.echo(f"content-word conflation rate: {rate:.2%}  (target >= 97%)")
    for pos in sorted(totals):
        click.echo(f"  {pos:6} {1 - by_pos[pos] / totals[pos]:.2%} of {totals[pos]}")
    cold, warm = throughput(sentences)
    click.echo(f"throughput: cold {cold:,.0f} words/s, warm {warm:,.0f} words/s  (target warm >= 300,000)")
    for token in missed[:show_misses]:
        click.echo(f"  miss {token.upos:5} {token.form!r} gold {token.lemma!r}: "
                   f"{sorted(lemma_terms(token.form))} vs {sorted(lemma_terms(token.lemma))}")


if __name__ == "__main__":
    main(sys.argv[1:])
