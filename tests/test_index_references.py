"""What a bulletin refers to: precedents in each way courts cite them, provisions, a bulletin's own
precedent key from its Finlex id, and the columns the index keeps of them."""

from __future__ import annotations

import json
from pathlib import Path

from search.index.references import applied_provisions, cited_precedents, own_precedent
from search.index.store import open_index
from search.index.writer import update_index

DECISION = ("Korkein oikeus on ratkaisuissaan KKO 2005:32 ja KKO:2011:9 katsonut, että irtisanomiselle on oltava "
            "asiallinen ja painava syy. Ks. myös KKO 1984 II 66, KKO:1984-II-66 ja KHO 2010:5. Työnantaja oli "
            "rikkonut työsopimuslain 7 luvun 1 §:ää, ja asiassa sovellettiin myös kuntalain 39 §:n 2 momenttia "
            "sekä oikeudenkäymiskaaren 2 a luvun 1 §:ää.")


def test_precedents_are_keyed_alike_however_they_are_written():
    assert cited_precedents(DECISION) == ["kko:2005:32", "kko:2011:9", "kko:1984:ii:66", "kho:2010:5"]


def test_a_year_alone_or_a_diary_number_is_no_precedent():
    assert cited_precedents("Vuonna 2005 annettu KKO:n ratkaisu ja päätös HEL 2024-009117") == []


def test_provisions_are_the_statute_chapter_and_section():
    assert applied_provisions(DECISION) == ["työsopimuslain:7:1", "kuntalain::39", "oikeudenkäymiskaaren:2:1"]
    assert applied_provisions("Rikoslain 21 luvun 5 §:n mukaan") == applied_provisions("rikoslain 21 luvun 5 §")


def test_a_finlex_id_gives_the_bulletins_own_precedent_key():
    assert own_precedent("kko-20050032") == "kko:2005:32"
    assert own_precedent("kko-19840066t") == "kko:1984:ii:66"
    assert own_precedent("kko-19800001s") == "kko:1980:i:1"
    assert own_precedent("000_d69fc6f4f0811f96") is None
    assert own_precedent("kko-2020-15") is None


def test_the_index_keeps_what_each_bulletin_refers_to(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [{"id": "kko-20120001", "date": "2012-01-10", "title": "Irtisanominen", "body": DECISION},
               {"id": "kko-20120002", "date": "2012-02-10", "title": "Puisto", "body": "Puiston penkit uusitaan."}]
    (corpus / "kko.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    update_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index").searcher() as searcher:
        reader = searcher.reader()
        cites, provisions, ids = (reader.column_reader(name) for name in ("cites", "provisions", "id"))
        kept = {ids[docnum]: (cites[docnum].decode(), provisions[docnum].decode()) for docnum in reader.all_doc_ids()}
    assert kept["kko-20120001"] == (" ".join(cited_precedents(DECISION)), " ".join(applied_provisions(DECISION)))
    assert kept["kko-20120002"] == ("", "")
