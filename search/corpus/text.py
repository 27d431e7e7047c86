"""Plain-text bulletins (`.txt`): a `date YYYY-MM[-DD]` header, then the body. The file name is the id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from search.corpus.bulletin import Bulletin, PartialDate, Problem, clean_text, normalize_id
from search.corpus.files import max_bytes, read_bounded
from search.headings import HEADING_MARKS

# A title as long as the sources' own are (Helsinki's decisions: median 71 characters, 9 in 10 at most 116).
TITLE_LENGTH = 150
# A main clause shorter than this many words is no title (`Syytettyjen, jotka …`).
_CLAUSE_WORDS = 3
# Finnish subordinating conjunctions and relative pronouns: after a comma, a subordinate clause begins.
_SUBORDINATORS = ("että jotta koska kun jos vaikka kunnes mikäli jolloin joten kuten "
                  "joka jonka jota jossa josta johon jolla jolta jolle jona joksi "
                  "jotka joiden joita joissa joista joihin joilla joilta joille joina joiksi "
                  "mikä minkä mitä missä mistä mihin millä miltä mille minä miksi mitkä").split()
_SUBORDINATE = re.compile(rf"[,;:]\s+(?:{'|'.join(_SUBORDINATORS)})\b|\s[–—]\s", re.IGNORECASE)
_COORDINATORS = ("ja", "sekä", "tai", "eli", "mutta", "vaan")
# A phrase ends before a comma, a semicolon, a colon, a dash or a coordinating conjunction, unless
# the word before it is an open compound's head waiting for its tail (`kehitys- ja kokeilualustoiminnan`).
_PHRASE_BOUNDARY = re.compile(rf"(?<![-‐])(?:[,;:](?=\s)|\s[–—](?=\s)|\s(?=(?:{'|'.join(_COORDINATORS)})\s))")
# A title may be cut at a space, unless the word before it is an open compound's head or a
# coordinating conjunction, which both need the word after them.
_WORD_BOUNDARY = re.compile("(?<![-‐])" + "".join(rf"(?<!\s{word})" for word in _COORDINATORS) + r"\s")

_HEADER = re.compile(r"date[ \t]+(\S+)(.*)", re.DOTALL)
# Where a sentence may end: its punctuation, any closing quotes or brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)")


def read(path: Path, name: str, limit: int = max_bytes()) -> Iterator[Bulletin | Problem]:
    """Yield the one bulletin of the file, or the problem that keeps it from being read (among them
    a file larger than `limit` bytes)."""
    data = read_bounded(path, name, limit)
    if isinstance(data, Problem):
        yield data
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        yield Problem(f"{name}:{line}", f"invalid UTF-8 (byte {data[error.start]:#04x})")
        return
    try:
        yield parse(text, path.stem, f"{name}:1")
    except ValueError as error:
        yield Problem(f"{name}:1", str(error))


def parse(text: str, stem: str, source: str) -> Bulletin:
    """The bulletin written in `text`; ValueError with the reason if it has no valid date, body or id."""
    content = clean_text(text).lstrip("\ufeff \t\n")
    if not content:
        raise ValueError("empty file")
    header = _HEADER.match(content)
    if not header:
        raise ValueError("missing date: the file must begin with 'date YYYY-MM' or 'date YYYY-MM-DD'")
    date = PartialDate.parse(header[1])
    body = header[2].strip()
    if not body:
        raise ValueError("empty body")
    return Bulletin(normalize_id(stem), date, derive_title(body), body, source)


def derive_title(body: str) -> str:
    """What a bulletin without a headline is about: the first sentence of `body` when it is at most
    TITLE_LENGTH long; else its main clause (up to a subordinate clause: `, joka`, `, että`); and
    when that is still too long, the clause cut at the last phrase boundary that leaves at least half
    of TITLE_LENGTH (before a comma, a dash or a coordinating `ja`, `sekä`, …, never inside a list of
    open compounds like `työ-, opiskelu- ja yrittäjyysperusteisen`); only when there is none, cut at
    a word with "…". Headings (`## Päätös`) are passed over: a bulletin that opens with one is
    about the sentence that follows, and only a body of headings alone is titled by its first."""
    title = _without_final_period(first_sentence(_without_headings(body)))
    if len(title) <= TITLE_LENGTH:
        return title
    clause = main_clause(title)
    if len(clause) <= TITLE_LENGTH:
        return clause
    return _cut(clause)


def _without_headings(body: str) -> str:
    """`body` without its heading lines, or, when that leaves nothing, the text of its headings."""
    text = "\n".join(line for line in body.splitlines() if not HEADING_MARKS.match(line))
    return text if text.strip() else HEADING_MARKS.sub("", body)


def main_clause(sentence: str) -> str:
    """`sentence` up to its first subordinate clause, or the whole of it when the clause before that
    is too short to stand alone (`Syytettyjen, jotka …` has its main clause around the relative clause)."""
    for boundary in _SUBORDINATE.finditer(sentence):
        clause = sentence[:boundary.start()].rstrip()
        if len(clause.split()) >= _CLAUSE_WORDS:
            return clause
    return sentence


def _cut(text: str) -> str:
    """`text` cut to TITLE_LENGTH at its last phrase boundary in the second half, else at a word with "…"."""
    boundaries = [match.start() for match in _PHRASE_BOUNDARY.finditer(text)
                  if TITLE_LENGTH // 2 <= match.start() <= TITLE_LENGTH]
    if boundaries:
        return text[:boundaries[-1]].rstrip(" ,;:")
    words = [match.start() for match in _WORD_BOUNDARY.finditer(text)
             if TITLE_LENGTH // 2 < match.start() <= TITLE_LENGTH]
    head = text[:words[-1]] if words else text[:TITLE_LENGTH]
    return head.rstrip(" ,;:") + "…"


def _without_final_period(sentence: str) -> str:
    """The sentence without its full stop; the ordinal dot of "23.11." stays."""
    if sentence.endswith(".") and not sentence[-2:-1].isdigit():
        return sentence[:-1]
    return sentence


def first_sentence(body: str) -> str:
    """The text of `body` up to the first sentence end or line break.

    A sentence ends at `.`, `!` or `?` followed by whitespace and an uppercase letter, so the
    dates and ordinals of Finnish text ("maanantaina 23.11. yrityksille") do not end one.
    """
    line = body.strip().split("\n", 1)[0].strip()
    for end in _SENTENCE_END.finditer(line):
        if line[end.end() :].lstrip()[:1].isupper():
            return line[: end.end()]
    return line
