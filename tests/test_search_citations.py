"""Feedback from what the best hits refer to, on real Finnish text: a decision that the best hits
cite, or that applies the provisions they apply, rises; no hit comes or goes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from search.index.store import open_index
from search.index.writer import update_index
from search.searcher import MAX_PAGE_SIZE, BulletinSearch, SearchRequest
from search.searcher.citations import References
from search.searcher.ranking import WEIGHTS

PROVISION = "työsopimuslain 7 luvun 1 §:n"
LONG = ("Asiassa oli kysymys myös lomakorvauksesta, todistajien kuulemisesta, oikeudenkäyntikuluista, "
        "viivästyskorosta ja siitä, oliko hovioikeuden pitänyt toimittaa pääkäsittely. ")
DECISIONS = {
    # Two decisions on dismissal: the best hits. The second cites the first and an older one.
    "kko-20050032": f"Työnantaja irtisanoi työntekijän. Irtisanominen oli perusteeton, koska {PROVISION} "
                    "mukaista asiallista ja painavaa syytä irtisanomiselle ei ollut.",
    "kko-20100010": f"Irtisanominen tuotannollisilla perusteilla. Irtisanomisen syy arvioitiin {PROVISION} "
                    "mukaan, kuten ratkaisussa KKO 2005:32. Ks. myös KKO 1999:50.",
    # Three long decisions that name dismissal once: low scores by BM25 alone.
    "kko-19990050": "Kysymys lomakorvauksesta. " + LONG * 3 + "Myös irtisanominen riitautettiin.",
    "kko-20150007": f"Kysymys lomakorvauksesta. {LONG * 3}Myös irtisanominen riitautettiin {PROVISION} nojalla.",
    "kko-20200001": "Kysymys lomakorvauksesta. " + LONG * 2 + "Myös irtisanominen riitautettiin.",
    "kko-20210002": "Puiston penkit uusitaan kesällä.",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("citations")
    (root / "corpus").mkdir()
    lines = [json.dumps({"id": id_, "date": f"{id_[4:8]}-05-01", "title": body.split(".")[0], "body": body},
                        ensure_ascii=False) for id_, body in DECISIONS.items()]
    (root / "corpus" / "kko.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    update_index(root / "corpus", root / "index")
    return root / "index"


def ranked(index_dir: Path, query: str, provisions: float = 0, citations: float = 0) -> list[str]:
    weights = replace(WEIGHTS, feedback=0, provisions=provisions, citations=citations)
    search = BulletinSearch(index_dir, weights=weights)
    return [hit.id for hit in search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE)).hits]


def test_without_reference_feedback_the_shortest_long_decision_leads_the_weak_hits(index_dir):
    plain = ranked(index_dir, "irtisanominen")
    assert plain[:2] == ["kko-20100010", "kko-20050032"] or plain[:2] == ["kko-20050032", "kko-20100010"]
    assert plain.index("kko-20200001") < plain.index("kko-19990050")
    assert plain.index("kko-20200001") < plain.index("kko-20150007")


def test_a_decision_the_best_hits_cite_rises(index_dir):
    cited = ranked(index_dir, "irtisanominen", citations=WEIGHTS.citations)
    assert cited.index("kko-19990050") < cited.index("kko-20200001")
    assert cited.index("kko-20150007") > cited.index("kko-20200001")  # neither cited nor citing


def test_a_decision_applying_the_best_hits_provisions_rises(index_dir):
    applied = ranked(index_dir, "irtisanominen", provisions=WEIGHTS.provisions)
    assert applied.index("kko-20150007") < applied.index("kko-20200001")
    assert applied.index("kko-19990050") > applied.index("kko-20200001")


def test_reference_feedback_reorders_but_never_adds_or_drops_a_hit(index_dir):
    for query in ("irtisanominen", "lomakorvaus", "penkki", "irtisanominen -lomakorvaus"):
        assert sorted(ranked(index_dir, query)) == sorted(ranked(index_dir, query, WEIGHTS.provisions, WEIGHTS.citations))


def test_links_run_both_ways_between_decisions_in_the_index(index_dir):
    with open_index(index_dir).searcher() as searcher:
        reader = searcher.reader()
        references = References(reader)
        ids = reader.column_reader("id")
        links = {ids[docnum]: {ids[linked] for linked in found} for docnum, found in references.links.items()}
    assert links == {"kko-20100010": {"kko-20050032", "kko-19990050"},
                     "kko-20050032": {"kko-20100010"}, "kko-19990050": {"kko-20100010"}}
    assert references.in_provisions["työsopimuslain:7:1"] == 3
