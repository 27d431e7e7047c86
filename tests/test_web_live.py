"""A running app sees the index change: a bulletin added to the corpus and indexed is found at once,
and `bulletins serve --watch` indexes it by itself within seconds."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from search.index.watch import CorpusWatcher
from search.index.writer import update_index
from search.web import create_app

from conftest import wait_for

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
    newest = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link").get("href")
    assert newest.startswith("http://localhost/bulletins/2026-03-02_kampus?")
    assert "<mark>" in client.get("/bulletins/2026-03-02_kampus?q=kampusinkubaattorit").get_data(as_text=True)


def test_serve_watch_finds_a_bulletin_added_to_the_corpus_within_seconds(corpus_dir: Path, tmp_path: Path):
    (corpus_dir / "sisakkain.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    command = [sys.executable, "-c", "from search.cli import main; main()", "serve", "--watch", "--port", "0",
               "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"), "--threads", "2"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = re.search(r"on (http://\S+) ", server.stdout.readline())[1]
        assert wait_for(lambda: search_total(base, "kokeiluja") == 1, seconds=20)  # the first update built the index
        (corpus_dir / "2026-03-02_kampus.txt").write_text(NEW_BULLETIN, encoding="utf-8")
        added = time.monotonic()
        assert wait_for(lambda: search_total(base, "kampusinkubaattoreiden") == 2, seconds=10)
        assert time.monotonic() - added < 5
        with urllib.request.urlopen(f"{base}/api/health", timeout=5) as response:
            watcher = json.load(response)["watcher"]
        assert watcher["state"] == "watching" and watcher["last_error"] is None
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "sisakkain.jsonl:1: broken JSON (nested too deeply)" in output
    assert "Traceback" not in output


def test_health_tells_how_the_watcher_goes(corpus_dir: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    watcher = CorpusWatcher(corpus_dir, index_dir, on_update=lambda report: None, on_error=lambda error: None)
    client = create_app({"INDEX_DIR": index_dir, "TESTING": True}, watcher).test_client()
    response = client.get("/api/health?lang=en")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "watcher": {"state": "starting", "updated": None,
                                                                        "last_error": None},
                                   "message": "The index has not been built yet. First run: bulletins index"}
    with watcher:
        assert wait_for(lambda: client.get("/api/health").status_code == 200, seconds=10)
        health = client.get("/api/health").get_json()
        assert health["status"] == "ok" and health["watcher"]["state"] == "watching"
        assert datetime.fromisoformat(health["watcher"]["updated"]).tzinfo is not None
        (index_dir / "indexing.lock").unlink()
        (index_dir / "indexing.lock").mkdir()  # the lock cannot be opened: updates fail
        (corpus_dir / "2026-03-02_kampus.txt").write_text(NEW_BULLETIN, encoding="utf-8")
        assert wait_for(lambda: client.get("/api/health").get_json()["watcher"]["state"] == "failing", seconds=10)
        health = client.get("/api/health").get_json()
        assert health["status"] == "ok"  # the index is still searched
        assert health["watcher"]["last_error"]["message"] == (f"cannot write the index in {index_dir}: "
                                                              "Is a directory")
    assert client.get("/api/health").get_json()["watcher"]["state"] == "stopped"
    assert create_app({"INDEX_DIR": index_dir}).test_client().get("/api/health").get_json() == {"status": "ok"}


def search_total(base: str, query: str) -> int | None:
    try:
        with urllib.request.urlopen(f"{base}/api/search?q={urllib.parse.quote(query)}", timeout=5) as response:
            return json.load(response)["total"]
    except urllib.error.HTTPError:
        return None  # 503 while there is no index yet

