"""What a match is, pinned on real Finnish text (sentences of Supreme Court decisions, the seeds,
Helsinki's subject lines): a bulletin matches when it holds every query word in any inflection,
or inside a longer compound as a consecutive run of its parts. Every part of a compound query word
scattered over the text makes a related result, never a match; one part alone makes nothing; a
name is never split. On every backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.backends import Search
from search.searcher import MAX_PAGE_SIZE, SearchRequest, spans_html

from conftest import copy_seeds

SEED_2020, SEED_2024 = "000_d69fc6f4f0811f96", "003_1869dba633d4af7d"

BULLETINS = {
    "lupahakemus": "Järjestysoikeuden puheenjohtaja ja jäsenet, jotka olivat ilman laillista syytä lykänneet "
                   "rakennuslupahakemuksen käsittelyä, tuomittiin rangaistukseen varomattomuudesta tehdystä virkavirheestä.",
    "levittaminen": "Syytetyn katsottiin menettelyllään aloittaneen huumausaineen levittämisen täytäntöönpanotoimen ja "
                    "siten syyllistyneen huumausainelain 2 §:ssä tarkoitettuun huumausaineen levittämisen yritykseen.",
    "huumausainerikos": "Huumausainerikoksesta voidaan tuomita rangaistukseen esimerkiksi henkilö, joka on tehnyt "
                        "sopimuksen huumausaineen ostamisesta, vaikkei hän ole vielä puuttunutkaan huumausaineeseen.",
    "patentti": "Velallisyhtiön pesäluettelon mukaan konkurssipesän varoihin kuului suomalainen patentti "
                "\"Ruokasuolatuote käytettäväksi mausteena tai säilöntäaineena ruokatavaroita varten\".",
    "ymparistorikos": "Ympäristörikoksen tapahtuminen oli ollut täsmällisesti kohdistettavissa tiettyyn yksittäiseen "
                      "toimintoon, jossa myös yhtiön organisaatiossa oli ilmennyt huolimattomuutta ja vastuusuhteiden "
                      "epäselvyyttä.",
    "veropetos": "K:ta ei niin ollen ollut tuomittava veropetoksesta erikseen rangaistukseen.",
    "kiinteistokauppa": "Salon kaupunginjohtaja oli käynyt 15.5.1973 verohallituksessa selostamassa H:lle suunnitellun "
                        "kiinteistökaupan merkitystä Salon kaupungille.",
    "esisopimus": "Kiinteistön kaupan esisopimuksessa lopullisen kaupan allekirjoittamisen edellytykseksi asetettu "
                  "myyjän täytettävä rakentamista koskeva ehto ei ollut lopullista kauppakirjaa allekirjoitettaessa "
                  "toteutunut.",
    "asunto-osakeyhtio": "Asunto-osakeyhtiön hallituksen päätöksen perusteella talonmies on isännöitsijän ohjeiden mukaan "
                         "huolehtinut juomien tilauksesta, laskujen maksamisesta ja muista käytännön järjestelyistä.",
    "jyvaskyla": "Jorma A oli Jyväskylän kaupungin rakennusviraston työssä 4/5 1969 ollessaan ollut tuossa "
                 "kaupungissa vapaa-aikanaan eräässä ravintolassa.",
    "lautakunta": "Työttömyysturvalautakunta on kuultuaan työvoimatoimikuntaa ja sosiaalivakuutustoimikuntaa hylännyt "
                  "valituksen, koska A oli ilman pätevää syytä eronnut työstään.",
    "neuvottelut": "Kaupunginhallitusneuvotteluissa sovittiin ensi vuoden talousarvion raameista.",
    "yksikko": "Hankepäällikön viran nimikkeen muuttaminen kaupunginkanslian talouden ohjaus -yksikössä.",
    "covid": "Varasairaalan sairaansijojen paikkamäärän vahvistaminen covid-19 -potilaiden hoitoa varten.",
    "hakemusta": "Hovioikeus hylkäsi hakemusta koskevan valituksen.",
    "vankilasta": "Tuomittu vapautettiin vankilasta ehdonalaiseen vapauteen.",
    "kuuluvan": "Asian katsottiin kuuluvan yleisen tuomioistuimen käsiteltäväksi.",
    "valituslupa": "Korkein oikeus myönsi valitusluvan.",
    "paivana": "A oli esittänyt viimeksi mainittuna päivänä lunastusvaatimuksensa.",
    "paivaraha": "Lisäksi hän oli saanut korvaukseksi kotipaikkakunnan ulkopuolella työskentelemisestä aiheutuneista "
                 "kuluista päivärahaa 40 markkaa työpäivältä.",
}

TITLED = {"id": "pysakointi", "date": "2021-12-15", "title": "Pysäköintijärjestelyt Harmaahaikarankujalla",
          "body": "Liikennesuunnittelupäällikkö päätti hyväksyä liitteen mukaiset muutokset, jotka tulevat voimaan, "
                  "kun liikennemerkit on asennettu."}

MATCH, RELATED, NONE = "match", "related", "none"

CASES = [
    # A run of parts at the start, in the middle or at the end of a longer compound, or one part
    ("rakennuslupa", "lupahakemus", MATCH),  # rakennus+lupa of rakennus+lupa+hakemus
    ("lupahakemus", "lupahakemus", MATCH),
    ("hakemus", "lupahakemus", MATCH),
    ("rakennuslupahakemus", "lupahakemus", MATCH),
    ("virhe", "lupahakemus", MATCH),  # virkavirheestä
    ("huumausainerikos", "huumausainerikos", MATCH),
    ("ainerikos", "huumausainerikos", MATCH),
    ("rikos", "huumausainerikos", MATCH),
    ("huumausainelaki", "levittaminen", MATCH),
    ("huumausaine", "levittaminen", MATCH),
    ("ympäristörikos", "ymparistorikos", MATCH),
    ("rikos", "ymparistorikos", MATCH),
    ("suhde", "ymparistorikos", MATCH),  # vastuusuhteiden
    ("petos", "veropetos", MATCH),
    ("kiinteistökauppa", "kiinteistokauppa", MATCH),
    ("hallitus", "kiinteistokauppa", MATCH),  # verohallituksessa
    ("sopimus", "esisopimus", MATCH),
    ("kauppakirja", "esisopimus", MATCH),
    ("työttömyysturva", "lautakunta", MATCH),  # työttömyys+turva of työttömyys+turva+lauta+kunta
    ("turvalautakunta", "lautakunta", MATCH),
    ("lautakunta", "lautakunta", MATCH),
    ("sosiaalivakuutus", "lautakunta", MATCH),
    ("vakuutustoimikunta", "lautakunta", MATCH),
    ("työvoima", "lautakunta", MATCH),
    # Inflected compounds, and an inflected query word
    ("kaupunginhallitus", "neuvottelut", MATCH),  # Kaupunginhallitusneuvotteluissa
    ("kaupunginhallituksen", "neuvottelut", MATCH),
    ("hallitusneuvottelut", "neuvottelut", MATCH),
    ("rakennuslupien", "lupahakemus", MATCH),
    # Hyphenated compounds
    ("osakeyhtiö", "asunto-osakeyhtio", MATCH),
    ("asunto-osake", "asunto-osakeyhtio", MATCH),
    ("asunto-osakeyhtiö", "asunto-osakeyhtio", MATCH),
    ("EU-rahoitus", SEED_2020, MATCH),
    ("rahoitus", SEED_2020, MATCH),
    ("kehitysrahasto", SEED_2020, MATCH),  # aluekehitysrahasto
    ("aluekehitys", SEED_2020, MATCH),
    ("covid-19", "covid", MATCH),
    ("vapaa-aika", "jyvaskyla", MATCH),  # vapaa-aikanaan
    ("virasto", "jyvaskyla", MATCH),
    # The seeds: a compound inside a longer compound
    ("yrityshautomo", SEED_2024, MATCH),
    ("hautomopalvelu", SEED_2024, MATCH),
    ("hautomo", SEED_2024, MATCH),
    # A plain word that Voikko can also read as a compound of short words is not split
    ("musta", "hakemusta", NONE),  # hake+musta
    ("lapsi", "vankilasta", NONE),  # vanki+lapsi
    ("lupa", "kuuluvan", NONE),  # kuu+lupa
    ("lupa", "valituslupa", MATCH),  # a compound and nothing else
    # A name is not split
    ("kylä", "jyvaskyla", NONE),
    ("Jyväskylä", "jyvaskyla", MATCH),
    # Every part scattered: a related result, never a match
    ("kiinteistökauppa", "esisopimus", RELATED),  # kiinteistön kaupan, two words
    ("kaupunginhallitus", "kiinteistokauppa", RELATED),  # kaupunginjohtaja … verohallituksessa
    ("työttömyyslautakunta", "lautakunta", RELATED),  # not consecutive: työttömyys+turva+lauta+kunta
    ("rahoitusrahasto", SEED_2020, RELATED),  # both parts, never as one run
    ("päiväkoti", "paivaraha", RELATED),  # kotipaikkakunnan … päivärahaa
    ("törkeä veropetos", "veropetos", RELATED),  # one of two words
    # Some of the parts only: nothing (a day is no day-care centre)
    ("päiväkoti", "paivana", NONE),
    ("yrityshautomo", SEED_2020, NONE),  # yritysten, yrityksille, but no hautomo
    ("huumausainerikos", "levittaminen", NONE),  # huumausaine, no rikos
    ("huumausainerikos", "patentti", NONE),  # säilöntäaineena: the part aine
    ("osakeyhtiölaki", "asunto-osakeyhtio", NONE),  # osakeyhtiö, no laki
    # Excluded words: what matches them is left out, scattered parts are not
    ("kiinteistökauppa NOT kaupunginhallitus", "kiinteistokauppa", MATCH),  # kaupunginjohtaja … verohallituksessa
    ("kiinteistökauppa NOT hallitus", "kiinteistokauppa", NONE),  # verohallituksessa holds hallitus
    ("-huumausainerikos huumausaine", "levittaminen", MATCH),
    ("-huumausainerikos huumausaine", "huumausainerikos", NONE),
    # Subject lines with open compounds: a hyphen after a word is text
    ("kaupunginkanslian talouden ohjaus -yksikössä", "yksikko", MATCH),
    ("covid-19 -potilaiden hoitoa", "covid", MATCH),
    ("pysäköinti", "pysakointi", MATCH),  # in the title only
]


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = copy_seeds(tmp_path_factory.mktemp("matches") / "corpus")
    for name, body in BULLETINS.items():
        (corpus / f"{name}.txt").write_text(f"date 1990-01-01\n\n{body}\n", encoding="utf-8")
    # A subject line that the text does not repeat, as in Helsinki's decisions
    (corpus / "titled.jsonl").write_text(json.dumps(TITLED, ensure_ascii=False) + "\n", encoding="utf-8")
    return corpus


def how_found(search: Search, query: str, bulletin_id: str) -> str:
    hits = {hit.id: hit for hit in search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE)).hits}
    if bulletin_id not in hits:
        return NONE
    return RELATED if hits[bulletin_id].related else MATCH


def test_the_cases_are_many_and_cover_every_way():
    assert len(CASES) >= 40
    assert {expected for _, _, expected in CASES} == {MATCH, RELATED, NONE}


@pytest.mark.parametrize("query, bulletin_id, expected", CASES, ids=lambda value: str(value))
def test_what_matches(search, query, bulletin_id, expected):
    assert how_found(search, query, bulletin_id) == expected


@pytest.mark.parametrize("query, bulletin_id, expected", [case for case in CASES if case[2] == MATCH],
                         ids=lambda value: str(value))
def test_every_match_has_a_highlighted_word_and_says_how_it_matched(search, query, bulletin_id, expected):
    hit = next(hit for hit in search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE, explain=True)).hits
               if hit.id == bulletin_id)
    assert "<mark>" in spans_html(hit.snippet)
    assert hit.matches and {match.how for match in hit.matches} <= {"exact", "lemma", "compound"}


def test_a_related_result_says_which_parts_it_holds(search):
    hit = next(hit for hit in search.search(SearchRequest("päiväkoti", explain=True)).hits if hit.id == "paivaraha")
    assert hit.related and {(match.bulletin_word, match.how) for match in hit.matches} >= {("kotipaikkakunnan", "part"),
                                                                                          ("päivärahaa", "part")}
    assert "<mark>kotipaikkakunnan</mark>" in spans_html(hit.snippet) and "<mark>päivärahaa</mark>" in spans_html(hit.snippet)


def test_yrityshautomo_finds_the_2024_seed_first_with_the_compound_marked(search):
    result = search.search(SearchRequest("yrityshautomo"))
    assert result.total == 1 and result.hits[0].id == SEED_2024 and not result.hits[0].related
    assert "<mark>yrityshautomopalvelujen</mark>" in spans_html(result.hits[0].snippet) or \
        "<mark>yrityshautomopalveluja</mark>" in spans_html(result.hits[0].snippet)
    # The 2020 seed has yritysten and yrityksille but no hautomo: it is not even related
    assert result.related_total == 0 and len(result.hits) == 1


RANKED = {
    "tarkka": "Hovioikeus arvioi ympäristörikoksen vakavuuden uudelleen.",
    "taivutettu": "Hovioikeus arvioi ympäristörikoksien vakavuuden uudelleen.",
    "yhdyssanassa": "Hovioikeus arvioi ympäristörikosasian vakavuuden uudelleen.",
    "osina": "Hovioikeus arvioi ympäristön rikoksen vakavuuden uudelleen.",
}


def test_order_of_evidence_exact_then_inflection_then_inside_a_compound_then_parts(tmp_path, build_target):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, body in RANKED.items():
        (corpus / f"{name}.txt").write_text(f"date 2000-01\n\n{body}\n", encoding="utf-8")
    result = build_target(corpus).open().search(SearchRequest("ympäristörikoksen"))
    assert [hit.id for hit in result.hits] == ["tarkka", "taivutettu", "yhdyssanassa", "osina"]
    assert [hit.related for hit in result.hits] == [False, False, False, True]
