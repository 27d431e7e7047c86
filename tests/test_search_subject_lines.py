"""Text pasted into the box is text: every subject line of Helsinki's decisions and agenda items
(tests/fixtures/ahjo-subjects.jsonl, cut from ../shared/ahjo: each subject line with the opening of
its text), pasted as a query, finds its own decision or agenda item as a match.

Subject lines hold open compounds (`talouden ohjaus -yksikössä`, `covid-19 -potilaiden`), numbers,
dates, sections and abbreviations (`1.4.2020 - 31.3.2021`, `(48 a §)`, `Oy:n`, `5.1,`): none of them
may become an operator, an error or an empty result. On every backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from search.searcher import MAX_PAGE_SIZE, SearchRequest
from search.searcher.query import parse_query

FIXTURE = Path(__file__).parent / "fixtures" / "ahjo-subjects.jsonl"
SUBJECTS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("subjects") / "corpus"
    corpus.mkdir()
    shutil.copyfile(FIXTURE, corpus / FIXTURE.name)
    return corpus


def test_every_subject_line_is_searched(search):
    assert search.overview().bulletins == len(SUBJECTS)


def test_the_subject_lines_hold_what_pasted_text_holds():
    titles = " ".join(subject["title"] for subject in SUBJECTS)
    for piece in (" -yksikössä", " -potilaiden", " –hankkeen", " -tutkimushanketta", "Oy:n", "(48 a §)", " - ", "1-3/2021"):
        assert piece in titles, piece


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda subject: subject["title"][:60])
def test_a_pasted_subject_line_excludes_nothing(subject):
    assert parse_query(subject["title"]).excluded == ()


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda subject: subject["title"][:60])
def test_a_pasted_subject_line_finds_its_own_item_as_a_match_on_the_first_page(search, subject):
    result = search.search(SearchRequest(subject["title"], page_size=MAX_PAGE_SIZE))
    matches = [hit.id for hit in result.hits if not hit.related]
    assert subject["id"] in matches[:10], (matches.index(subject["id"]) if subject["id"] in matches else None)
