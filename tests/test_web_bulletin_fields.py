"""The bulletin page and its JSON twin show what an Ahjo bulletin is (kind, case, classification, §)
and its text's headings as headings; over a real index of the Ahjo fixtures, on every backend. Nothing is mocked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ahjo"
TENDER = "9FF5CCDE-8C0A-4F4F-B0D6-02D9FC3B023A"  # Digitaalisten potilasvaakojen hankinta, HEL 2021-009631
ANNOUNCEMENT = "00400202147-tiedote"


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("ahjo-web") / "corpus"
    shutil.copytree(FIXTURES, corpus)
    (corpus / "oma.jsonl").write_text(
        '{"id": "otsikot", "date": "2024-11", "title": "Otsikoitu tiedote", "kind": "tiedote", '
        '"body": "## Päätös\\n\\nKaupunginhallitus päätti kokeilusta.\\n\\n### Perustelut\\n\\nKokeilu on halpa.'
        '\\n\\n#Ei otsikko, vaan aihetunniste\\n\\n## Kaksi\\nriviä ei ole otsikko"}\n', encoding="utf-8")
    return corpus


def test_every_bulletin_is_indexed(search):
    assert search.overview().bulletins == 13


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def meta(html: str) -> dict[str, str]:
    return dict(re.findall(r"<div><dt>([^<]+)</dt><dd>(?:<time[^>]*>)?([^<]+)", html))


def test_a_decisions_page_shows_its_kind_organ_section_case_and_classification(client):
    html = page(client, f"/bulletins/{TENDER}")
    assert meta(html) == {
        "Päivämäärä": "11.1.2022", "Laji": "Päätös", "Päättäjä": "Sosiaali- ja terveystoimialan toimialajohtaja",
        "Pykälä": "3 §", "Diaarinumero": "HEL 2021-009631", "Tehtäväluokka": "Kilpailutus"}
    assert f'<a href="https://ahjo.hel.fi:9802/ahjorest/v1/decisions/%7B{TENDER}%7D?apireqlang=fi"' in html
    english = meta(page(client, f"/bulletins/{TENDER}?lang=en"))
    assert (english["Kind"], english["Section"], english["Case"]) == ("Decision", "§ 3", "HEL 2021-009631")


def test_the_kind_of_a_paatostiedote_and_an_agenda_item_and_a_sources_own_kind(client):
    assert meta(page(client, f"/bulletins/{ANNOUNCEMENT}"))["Laji"] == "Päätöstiedote"
    assert meta(page(client, f"/bulletins/{ANNOUNCEMENT}?lang=en"))["Kind"] == "Decision announcement"
    assert meta(page(client, "/bulletins/00400202147-2"))["Laji"] == "Esityslistan asia"
    assert meta(page(client, "/bulletins/otsikot"))["Laji"] == "tiedote"


def test_the_texts_headings_are_headings_on_the_page(client):
    html = page(client, f"/bulletins/{TENDER}")
    body = html[html.index('<div class="bulletin-body">'):]
    assert re.findall(r"<h2>([^<]+)</h2>", body)[:3] == ["Päätös", "Päätöksen perustelut", "Lisätiedot"]
    assert "<h3>Hankinnan kohde</h3>" in body and "<h3>MUUTOKSENHAKU HANKINTAPÄÄTÖKSEEN</h3>" in body
    assert "##" not in body


def test_a_heading_keeps_the_querys_marks(client):
    html = page(client, f"/bulletins/{TENDER}?q=perustelut")
    assert "<h2>Päätöksen <mark>perustelut</mark></h2>" in html


def test_only_a_one_line_paragraph_with_marks_and_a_space_is_a_heading(client):
    body = page(client, "/bulletins/otsikot").split('<div class="bulletin-body">')[1]
    assert "<h2>Päätös</h2>" in body and "<h3>Perustelut</h3>" in body
    assert "<p>#Ei otsikko, vaan aihetunniste</p>" in body
    assert "<p>## Kaksi\nriviä ei ole otsikko</p>" in body


def test_the_json_twin_has_the_same_fields(client):
    data = client.get(f"/api/bulletins/{TENDER}").get_json()
    assert {key: data[key] for key in ("kind", "case", "classification", "section", "organ", "date")} == {
        "kind": "decision", "case": "HEL 2021-009631", "classification": "Kilpailutus", "section": "3",
        "organ": "Sosiaali- ja terveystoimialan toimialajohtaja", "date": "2022-01-11"}
    assert data["source"] == "decisions-wrapped.json: entry 2"
    assert data["body"].startswith("## Päätös\n\n")
    announcement = client.get(f"/api/bulletins/{ANNOUNCEMENT}").get_json()
    assert (announcement["kind"], announcement["case"], announcement["section"]) == ("announcement", None, None)
