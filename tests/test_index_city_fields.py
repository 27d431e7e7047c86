"""How the index keeps the city fields: organ and classification as one lowercased term each (a whole
name, matched without regard to case) with the written form in a column, the case as its normalized
diary number, the kind as a term. What later filters, facets and case look-ups read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from whoosh.query import Term

from search.index.store import open_index
from search.index.writer import update_index

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ahjo"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("city-fields")
    shutil.copytree(FIXTURES, root / "corpus")
    update_index(root / "corpus", root / "index")
    return root / "index"


def ids(index_dir: Path, field: str, value: str) -> set[str]:
    with open_index(index_dir).searcher() as searcher:
        return {searcher.stored_fields(docnum)["id"] for docnum in searcher.search(Term(field, value), limit=None).docs()}


def test_the_organ_is_one_lowercased_term_so_a_body_does_not_match_its_subcommittees(index_dir):
    board = ids(index_dir, "organ", "kaupunginhallitus")
    assert board == {"C313F4F9-71B6-44E9-83CF-47FCDCE8C473", "00400202147-tiedote", "00400202147-1",
                     "00400202147-2", "00400202147-3"}
    assert ids(index_dir, "organ", "Kaupunginhallitus") == set()
    assert ids(index_dir, "organ", "kaupunginhallituksen sosiaali- ja terveydenhuollon sekä pelastustoimen "
                                   "uudistusjaosto") == {"7192B9EB-D93F-451E-AEA4-3FC5AD11925A"}


def test_the_organ_and_classification_columns_keep_the_written_names_for_facets(index_dir):
    with open_index(index_dir).reader() as reader:
        organs = set(reader.column_reader("organ"))
        classes = set(reader.column_reader("classification"))
    assert {"Kaupunginhallitus", "Tarkastuslautakunta", "Kaupunginvaltuusto"} <= organs
    assert "Hallinnon ja talouden tarkastus" in classes
    assert ids(index_dir, "classification", "hallinnon ja talouden tarkastus") == {
        "C313F4F9-71B6-44E9-83CF-47FCDCE8C473", "535A1116-731D-4D15-9036-4D07E64FD36B",
        "ECF8DFAC-947C-4DAE-A603-132E8C207DED"}


def test_a_case_is_found_by_its_normalized_diary_number_across_bodies(index_dir):
    assert ids(index_dir, "case", "hel 2020-006250") == {
        "C313F4F9-71B6-44E9-83CF-47FCDCE8C473", "535A1116-731D-4D15-9036-4D07E64FD36B",
        "ECF8DFAC-947C-4DAE-A603-132E8C207DED"}
    assert ids(index_dir, "case", "2020-006250") == ids(index_dir, "case", "hel 2020-006250")  # without the code
    assert ids(index_dir, "case", "hel 2020-010913") == {"00400202147-2"}  # read from the agenda item's HTML


def test_the_kind_is_a_term(index_dir):
    assert ids(index_dir, "kind", "announcement") == {"00400202147-tiedote"}
    assert len(ids(index_dir, "kind", "agenda_item")) == 3 and len(ids(index_dir, "kind", "decision")) == 8


def test_a_changed_case_re_indexes_the_bulletin(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    record = {"id": "a", "date": "2021-11", "title": "Kokousajat", "body": "Jaosto päätti kokousajoista.",
              "case": "HEL 2021-012873"}
    (corpus / "a.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    update_index(corpus, tmp_path / "index")
    (corpus / "a.jsonl").write_text(json.dumps({**record, "case": "HEL 2021-012874"}) + "\n", encoding="utf-8")
    assert update_index(corpus, tmp_path / "index").updated == 1
    assert ids(tmp_path / "index", "case", "hel 2021-012874") == {"a"}
