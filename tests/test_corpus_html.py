"""HTML to text: what a reader of paatokset.hel.fi sees, as plain text with headings marked."""

import json
from pathlib import Path

import pytest

from search.corpus.html import HtmlDocument, NotHtmlError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ahjo"


def decision_html(native_id: str) -> str:
    for name in ("decisions-wrapped.json", "decisions-plain.json"):
        for entry in json.loads((FIXTURES / name).read_text(encoding="utf-8"))["decisions"]:
            decision = entry[0] if isinstance(entry, list) else entry
            if decision["NativeId"] == native_id:
                return decision["Content"]
    raise KeyError(native_id)


def announcement_html() -> str:
    meetings = json.loads((FIXTURES / "meetings.json").read_text(encoding="utf-8"))["meetings"]
    return next(m["DecisionAnnouncement"] for m in meetings if m["MeetingID"] == "00400202147")


RENTAL = "{B41DCD01-63C2-41C0-AA86-3E3B577A4B0A}"  # Työpajankatu 8: sections, a table, a list


def test_sections_become_headings_in_reading_order():
    text = HtmlDocument(decision_html(RENTAL)).text()
    headings = [line for line in text.split("\n") if line.startswith("#")]
    assert headings[:4] == ["## Vuokraus, toimistotila, Työpajankatu 8, Helsingin Asumisoikeus Oy", "#### Päätös",
                            "#### Päätöksen perustelut", "#### Lisätiedot"]


def test_an_empty_section_is_left_out_heading_and_all():
    """The decision's `Esittelijätiedot` holds two empty divs: a reader would see a heading over
    the next one. A section that holds only subsections is kept, and so is one with any text."""
    assert "Esittelijätiedot" in decision_html(RENTAL)
    assert "Esittelijätiedot" not in HtmlDocument(decision_html(RENTAL)).text()
    html = ("<h2>Päätös</h2><p>Hyväksyttiin.</p><h2>Tyhjä</h2><div></div><h2>Liitteet</h2><h3>Liite 1</h3>"
            "<p>Kartta</p><h3>Liite 2</h3><h2>Lopuksi</h2>")
    assert HtmlDocument(html).text() == "## Päätös\n\nHyväksyttiin.\n\n## Liitteet\n\n### Liite 1\n\nKartta"


def test_the_document_head_can_be_left_out_and_the_top_level_becomes_two_marks():
    text = HtmlDocument(decision_html(RENTAL)).text({"AsiaOtsikko", "Asiapykala", "DnroTmuoto"})
    assert text.startswith("## Päätös\n\nYritysvuokrauksen tiimipäällikkö päällikkö päätti vuokrata")
    assert "## Päätöksen perustelut\n\nHelsingin kaupungin kaupunkiympäristön toimiala" in text
    assert "## Lisätiedot\n\nKirsi Salonen, vuokraneuvottelija" in text
    assert "### Oikaisuvaatimusoikeus" in text  # an h4 under the h3 sections
    assert "HEL 2022-000218" not in text and "6 §" not in text


def test_paragraphs_are_apart_and_line_breaks_inside_them_stay():
    text = HtmlDocument(decision_html(RENTAL)).text()
    assert "\n\nKuukausivuokra on 1 979,62 euroa (23,85 euroa/m2) + alv 24 %." in text
    assert "Muilta osin\nvuokrasopimus solmitaan noudattaen" in text  # a <br> inside a paragraph


def test_list_items_and_table_rows_are_lines():
    text = HtmlDocument(decision_html(RENTAL)).text()
    assert "Oikaisuvaatimuksen saa tehdä\n\n• se, johon päätös on kohdistettu" in text
    assert "(asianosainen)\n• kunnan jäsen." in text
    assert "Sähköpostiosoite: | helsinki.kirjaamo@hel.fi\nPostiosoite: | PL 10\n00099 HELSINGIN KAUPUNKI" in text


def test_markup_styles_and_entities():
    announcement = HtmlDocument(announcement_html()).text()
    assert "font-family" not in announcement and "<" not in announcement  # the <style> in its head is gone
    assert "body {" not in announcement
    html = ("<html><head><script>var x = '<p>';</script></head><body><p>Kaupunginhallitus &amp; "
            "valtuusto p&auml;&auml;ttiv&#228;t&nbsp;asiasta.<!-- luonnos --></p><p><b>Ehdotuksen</b> mukaan</p>"
            "</body></html>")
    assert HtmlDocument(html).text() == "Kaupunginhallitus & valtuusto päättivät\xa0asiasta.\n\nEhdotuksen mukaan"


def test_a_paatostiedote_keeps_its_items_and_their_decision_lines():
    text = HtmlDocument(announcement_html()).text()
    assert text.startswith("Helsingin kaupunki\nKaupunginhallitus\n\n## Päätöstiedote nro 44\n\nKokousaika: 18.11.2021")
    assert "#### 2 V 24.11.2021, Sörnäistentunnelin hankesuunnitelman hyväksyminen\n\nHEL 2020-010913\n\nPäätös\n" in text
    assert "\n\nKäsittely\n\nPöydällepanoehdotus\nArhinmäki Paavo\n" in text  # two <br>s make a paragraph
    assert "##### Liitteet\n\n1 Hankesuunnitelma tekninen\n2 Tunneliasemapiirros" in text


def test_meta_lang_and_class_text():
    document = HtmlDocument(decision_html(RENTAL))
    assert document.meta("thishtmlgenerated") == "2022-01-11T20:51:11.911+02:00"
    assert document.lang == "fi"
    assert document.class_text("DnroTmuoto") == "HEL 2022-000218 T 10 01 02"
    assert document.class_text("Otsikonviite") is None  # empty


@pytest.mark.parametrize("text", ["Virhe xml -> html muunnoksessa", "", "   ", "<!-- pelkkä kommentti -->"])
def test_text_without_any_element_is_not_html(text):
    with pytest.raises(NotHtmlError):
        HtmlDocument(text)
