"""The Ahjo API reader: both response shapes, every field, the three kinds of bulletin, bad entries."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from search.corpus import Bulletin, CorpusReader, PartialDate, Problem, read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ahjo"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "ahjo"


def read(path: Path) -> list[Bulletin | Problem]:
    return list(read_file(path, path.parent))


def bulletins(name: str) -> dict[str, Bulletin]:
    return {item.id: item for item in read(FIXTURES / name) if isinstance(item, Bulletin)}


def write(tmp_path: Path, data: object, name: str = "vastaus.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def fixture_entries(name: str, key: str) -> list:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))[key]


def test_both_response_shapes_give_one_bulletin_per_decision():
    wrapped, plain = bulletins("decisions-wrapped.json"), bulletins("decisions-plain.json")
    assert len(wrapped) == len(plain) == 4
    assert {b.kind for b in [*wrapped.values(), *plain.values()]} == {"decision"}


def test_a_decision_of_a_meeting_has_every_field():
    decision = bulletins("decisions-plain.json")["7192B9EB-D93F-451E-AEA4-3FC5AD11925A"]
    assert decision.title == ("Kaupunginhallituksen sosiaali- ja terveydenhuollon sekä pelastustoimen "
                              "uudistusjaoston kokousajat kevätkaudella 2022")
    assert decision.date == PartialDate(2021, 12, 7)  # the meeting's
    assert decision.organ == "Kaupunginhallituksen sosiaali- ja terveydenhuollon sekä pelastustoimen uudistusjaosto"
    assert decision.case == "HEL 2021-012873"
    assert decision.classification == "Luottamus- ja toimielinten kokoonpano ja toiminta"
    assert decision.section == "11"
    assert decision.kind == "decision"
    assert decision.lang == "fi"
    assert decision.url == ("https://ahjo.hel.fi:9802/ahjorest/v1/decisions/"
                            "%7B7192B9EB-D93F-451E-AEA4-3FC5AD11925A%7D?apireqlang=fi")
    assert decision.source == "decisions-plain.json: entry 2"
    assert decision.body.startswith("## Päätös\n\nKaupunginhallituksen sosiaali- ja terveydenhuollon sekä "
                                    "pelastustoimen uudistusjaosto päätti kokoontua kevätkaudella 2022")
    assert "• 17.1. klo 17:00\n• 17.2. klo 8:00" in decision.body
    assert "## Lisätiedot\n\nSaara Nirkko, hallintoasiantuntija" in decision.body


def test_an_officials_decision_is_dated_by_its_html_and_has_no_case_when_the_source_has_none():
    decision = bulletins("decisions-wrapped.json")["6A61F2B1-6BC7-4CF4-8807-00DF7F067D31"]
    assert decision.date == PartialDate(2022, 1, 11)  # ThisHTMLGenerated: no Meeting, no DateDecision
    assert decision.organ == "Kaupungineläinlääkäri"
    assert decision.case is None
    assert decision.classification == "Kokousasiat"
    assert decision.section == "1"


def test_the_issues_case_number_is_read():
    decision = bulletins("decisions-wrapped.json")["9FF5CCDE-8C0A-4F4F-B0D6-02D9FC3B023A"]
    assert (decision.title, decision.case) == ("Digitaalisten potilasvaakojen hankinta", "HEL 2021-009631")
    assert "## Päätöksen perustelut" in decision.body


def test_a_decision_without_a_case_label_takes_it_from_its_html(tmp_path):
    [entry] = [e for e in fixture_entries("decisions-plain.json", "decisions") if e["Section"] == "11"]
    path = write(tmp_path, {"decisions": [{**entry, "CaseIDLabel": None, "CaseID": None}]})
    [decision] = read(path)
    assert decision.case == "HEL 2021-012873"  # from "HEL 2021-012873 T 00 00 02" in the document's head


def test_a_confidential_decision_is_its_title():
    decision = bulletins("decisions-wrapped.json")["097B4BA8-EF60-4978-BF5D-230892AB3890"]
    assert decision.body == decision.title == "Salassa pidettävä (JulkL (621/1999) 24.1 § 25 k)"


def test_a_meeting_gives_its_paatostiedote_and_its_agenda_items_with_html():
    meeting = bulletins("meetings.json")
    assert sorted(meeting) == ["00400202147-1", "00400202147-2", "00400202147-3", "00400202147-tiedote"]
    announcement = meeting["00400202147-tiedote"]
    assert announcement.kind == "announcement"
    assert announcement.title == "Kaupunginhallitus 44/2021, 18.11.2021"
    assert announcement.date == PartialDate(2021, 11, 18)
    assert announcement.organ == "Kaupunginhallitus"
    assert (announcement.case, announcement.classification, announcement.section) == (None, None, None)
    assert announcement.url == "https://ahjo.hel.fi:9802/ahjorest/v1/meetings/00400202147?apireqlang=fi"
    assert "#### 3 Aamukouluasia: asuntotonttien sekä asumista palvelevien tonttien" in announcement.body


def test_an_agenda_item_has_its_title_case_and_document():
    item = bulletins("meetings.json")["00400202147-2"]
    assert item.kind == "agenda_item"
    assert item.title == "V 24.11.2021, Sörnäistentunnelin hankesuunnitelman hyväksyminen"
    assert item.case == "HEL 2020-010913"  # the API gives none: read from the HTML
    assert item.date == PartialDate(2021, 11, 18)
    assert item.organ == "Kaupunginhallitus"
    assert item.section is None  # not numbered before the minutes
    assert item.url == "https://ahjo.hel.fi:9802/ahjorest/v1/content/%7B1818A3B5-51F4-CF2C-AB55-7D2E7000000A%7D"
    assert item.body.startswith("## Päätösehdotus\n\nKaupunginhallitus esittää kaupunginvaltuustolle seuraavaa:")


def test_an_agenda_item_without_html_is_no_bulletin_and_a_second_language_gets_its_own_id(tmp_path):
    meeting = fixture_entries("meetings.json", "meetings")[1]
    first, second, third = meeting["Agenda"]
    swedish = {**second, "PDF": {**second["PDF"], "Language": "sv"}}
    path = write(tmp_path, {"meetings": [{**meeting, "Agenda": [{**first, "HTML": None}, second, swedish, third]}]})
    assert sorted(item.id for item in read(path)) == ["00400202147-2", "00400202147-2-sv", "00400202147-3",
                                                       "00400202147-tiedote"]


def test_the_apis_conversion_error_in_place_of_html_makes_no_bulletin_and_no_problem():
    items = read(FIXTURES / "meetings.json")
    assert not any(isinstance(item, Problem) for item in items)
    assert not any(item.id.startswith("U0298020218") for item in items)  # every item of it came as the error
    assert {item.id for item in items} >= {"00400202147-tiedote", "00400202147-1"}


def test_a_malformed_entry_is_reported_as_file_entry_id_reason_and_the_rest_is_read(tmp_path):
    good = fixture_entries("decisions-plain.json", "decisions")[:2]
    no_date = {**good[0], "NativeId": "{PVM}", "Meeting": None,
               "Content": good[0]["Content"].replace("ThisHTMLGenerated", "Muu")}
    path = write(tmp_path, {"decisions": [
        good[0], "kokous", {**good[1], "NativeId": None}, [good[1], good[0]], {**good[1], "NativeId": "{X}", "Content": 5},
        no_date, {**good[1], "NativeId": "{TYHJA}", "Content": "", "Motion": None}, [good[1]]]})
    assert [str(item) if isinstance(item, Problem) else item.id for item in read(path)] == [
        "B41DCD01-63C2-41C0-AA86-3E3B577A4B0A",
        "vastaus.json: entry 2 (?): not a decision object but a string",
        "vastaus.json: entry 3 (?): missing 'NativeId'",
        "vastaus.json: entry 4 (?): not a decision object but an array of 2",
        "vastaus.json: entry 5 (X): 'Content' is not HTML but the text '5'",
        "vastaus.json: entry 6 (PVM): no date: neither the API nor the HTML's ThisHTMLGenerated gives one",
        "vastaus.json: entry 7 (TYHJA): no text: 'Content' and 'Motion' are empty",
        "7192B9EB-D93F-451E-AEA4-3FC5AD11925A",
    ]


def test_a_wrongly_typed_field_is_reported(tmp_path):
    [good] = fixture_entries("decisions-plain.json", "decisions")[:1]
    path = write(tmp_path, {"decisions": [{**good, "Organization": "Kaupunginhallitus"}, {**good, "Title": ["x"]}]})
    assert [str(item) for item in read(path)] == [
        "vastaus.json: entry 1 (B41DCD01-63C2-41C0-AA86-3E3B577A4B0A): 'Organization' must be an object, not a string",
        "vastaus.json: entry 2 (B41DCD01-63C2-41C0-AA86-3E3B577A4B0A): 'Title' must be a string, not an array of 1",
    ]


@pytest.mark.parametrize(("content", "reason"), [
    ('{"items": []}', "vastaus.json:1: not an Ahjo API response: expected a JSON object with a 'decisions' or "
                      "'meetings' list"),
    ('[{"NativeId": "x"}]', "vastaus.json:1: not an Ahjo API response: expected a JSON object with a 'decisions' "
                            "or 'meetings' list"),
    ('{"decisions": [\n{"NativeId": ', "vastaus.json:2: broken JSON: Expecting value at column 14"),
])
def test_a_json_file_that_is_no_api_response_is_one_problem(tmp_path, content, reason):
    path = tmp_path / "vastaus.json"
    path.write_text(content, encoding="utf-8")
    assert [str(item) for item in read(path)] == [reason]


def test_the_fixture_folder_reads_as_a_corpus(tmp_path):
    corpus = CorpusReader(FIXTURES)
    items = list(corpus)
    assert Counter(b.kind for b in items) == {"decision": 8, "agenda_item": 3, "announcement": 1}
    assert corpus.problems == []  # the API's conversion errors in place of HTML make no bulletin and no problem
    assert [path.name for path in corpus.ignored] == ["README.md"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/ahjo is not here")
def test_the_shared_ahjo_responses_give_every_decision_with_the_fields_the_source_has(tmp_path):
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(SHARED, corpus_dir)
    corpus = CorpusReader(corpus_dir)
    read_ = {bulletin.id: bulletin for bulletin in corpus}
    sources = []
    for name in ("decisions-1.json", "decisions-2.json"):
        for entry in json.loads((SHARED / name).read_text(encoding="utf-8"))["decisions"]:
            sources.append(entry[0] if isinstance(entry, list) else entry)
    assert len(read_) == len(sources) == 100
    for source in sources:
        bulletin = read_[source["NativeId"].strip("{}")]
        assert bulletin.title == source["Title"]
        assert bulletin.organ == source["Organization"]["Name"]
        assert bulletin.case == source["CaseIDLabel"]
        assert bulletin.classification == (source["ClassificationTitle"] or None)
        assert bulletin.section == source["Section"]
        assert bulletin.url and bulletin.lang in ("fi", "sv")
        if source["Meeting"]:
            assert str(bulletin.date) == source["Meeting"]["DateMeeting"][:10]
    # Every agenda item and päätöstiedote of these meetings came as the API's conversion error, not HTML:
    # none is a bulletin yet, and none is a problem
    assert corpus.problems == []
