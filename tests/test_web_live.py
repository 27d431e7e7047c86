"""A running app sees the index change: a bulletin added to the corpus and indexed is found at once."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from search.index.writer import update_index
from search.web import create_app

NEW_BULLETIN = ("date 2026-03-02 Kaupunginhallituksen elinkeinojaosto päätti jatkaa kampusinkubaattoreiden "
                "rahoitusta vuoteen 2028.\n\nKampusinkubaattorit ovat auttaneet kymmeniä opiskelijayrityksiä.\n")


def test_a_newly_indexed_bulletin_appears_in_search_and_feed_without_a_restart(corpus_dir: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    client = create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()
    before = client.get("/api/search?q=kampusinkubaattorit").get_json()

    (corpus_dir / "2026-03-02_kampus.txt").write_text(NEW_BULLETIN, encoding="utf-8")
    update_index(corpus_dir, index_dir)

    after = client.get("/api/search?q=kampusinkubaattorit&sort=newest").get_json()
    assert after["total"] == before["total"] + 1
    assert after["hits"][0]["id"] == "2026-03-02_kampus"
    feed = ET.fromstring(client.get("/search.atom?q=kampusinkubaattorit").data)
    newest = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}id").text
    assert newest.endswith("/bulletins/2026-03-02_kampus")
    assert "<mark>" in client.get("/bulletins/2026-03-02_kampus?q=kampusinkubaattorit").get_data(as_text=True)
