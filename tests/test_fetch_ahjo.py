"""`bulletins fetch` against a real HTTP server on 127.0.0.1 that answers like the Ahjo API with
recorded real responses: windows, paging, resuming, a meeting published between two fetches, a 500
and a 429, garbage, an unreachable API. Nothing of ours is mocked."""

from __future__ import annotations

import copy
import json
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import main
from search.corpus import Bulletin, CorpusReader, read_file
from search.errors import FetchError
from search.fetch.ahjo import STATE_FILE
from search.fetch.http import JsonClient
from search.index.writer import update_index

from ahjo_api import AhjoApi, Failure

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ahjo"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "ahjo"
WINDOW = ("--since", "2021-11-01", "--until", "2022-02-01")


def fixture_api(**options) -> AhjoApi:
    return AhjoApi.from_files(*sorted(FIXTURES.glob("*.json")), **options)


def fetch(corpus: Path, api: AhjoApi, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["fetch", "--corpus", str(corpus), "--api", api.url, *args], env=env)


def files(corpus: Path) -> dict[str, bytes]:
    return {path.relative_to(corpus).as_posix(): path.read_bytes() for path in sorted(corpus.rglob("*"))
            if path.is_file()}


def bulletins_of(source_files: list[Path]) -> set[str]:
    return {item.id for path in source_files for item in read_file(path) if isinstance(item, Bulletin)}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def test_a_fetch_saves_every_decision_and_meeting_of_its_windows_as_files_the_reader_knows(corpus):
    with fixture_api() as api:
        result = fetch(corpus, api, *WINDOW)
    assert result.exit_code == 0, result.output
    saved = files(corpus)
    assert sorted(name for name in saved if name.startswith("ahjo/meetings/")) == [
        "ahjo/meetings/00400202147.json", "ahjo/meetings/U0298020218.json"]
    assert len([name for name in saved if name.startswith("ahjo/decisions/")]) == 8
    assert "ahjo/decisions/9FF5CCDE-8C0A-4F4F-B0D6-02D9FC3B023A.json" in saved
    assert {b.id for b in CorpusReader(corpus)} == bulletins_of(sorted(FIXTURES.glob("*.json")))
    assert "10 new, 0 changed, 0 unchanged files" in result.output


def test_the_requests_ask_for_windows_with_the_apis_parameters_and_name_the_project(corpus):
    with fixture_api() as api:
        fetch(corpus, api, *WINDOW, "--window", "30", "--lang", "fi", "--size", "50")
    decisions = [r for r in api.requests if r.path == "/ahjorest/v1/decisions"]
    meetings = [r for r in api.requests if r.path == "/ahjorest/v1/meetings"]
    assert [(r.query["handledsince"], r.query["handledbefore"]) for r in decisions] == [
        ("2021-11-01T00:00:00Z", "2021-12-01T00:00:00Z"), ("2021-12-01T00:00:00Z", "2021-12-31T00:00:00Z"),
        ("2021-12-31T00:00:00Z", "2022-01-30T00:00:00Z"), ("2022-01-30T00:00:00Z", "2022-02-01T00:00:00Z")]
    assert meetings[0].query["start"] == "2021-11-01T00:00:00Z"
    assert meetings[-1].query["end"] == "2022-03-03T00:00:00Z"  # meetings published ahead: 30 days more
    assert {(r.query["apireqlang"], r.query["size"]) for r in api.requests} == {("fi", "50")}
    assert all(r.headers["User-Agent"].startswith("bulletin-search/") for r in api.requests)


def test_a_full_answer_is_halved_and_asked_again_until_nothing_is_cut_off(corpus):
    with fixture_api() as api:
        result = fetch(corpus, api, *WINDOW, "--window", "366", "--size", "3")
    assert result.exit_code == 0, result.output
    assert len([name for name in files(corpus) if name.startswith("ahjo/decisions/")]) == 8
    windows = [r.query for r in api.requests if r.path.endswith("/decisions")]
    assert len(windows) > 3  # 8 decisions, at most 3 an answer: split
    assert all(int(q["size"]) == 3 for q in windows)


@pytest.mark.parametrize("wrap", [True, False])
def test_both_response_shapes_are_saved_as_the_reader_reads_them(corpus, wrap):
    with fixture_api(wrap_decisions=wrap) as api:
        assert fetch(corpus, api, *WINDOW).exit_code == 0
    assert len([b for b in CorpusReader(corpus) if b.kind == "decision"]) == 8


def test_a_second_fetch_of_the_same_window_changes_nothing(corpus):
    with fixture_api() as api:
        fetch(corpus, api, *WINDOW)
        before = {path: path.stat().st_mtime_ns for path in corpus.rglob("*")}
        contents = files(corpus)
        result = fetch(corpus, api, *WINDOW)
    assert result.exit_code == 0
    assert "0 new, 0 changed, 10 unchanged files" in result.output
    assert files(corpus) == contents
    assert {path: path.stat().st_mtime_ns for path in corpus.rglob("*")} == before


def test_a_meeting_published_between_two_fetches_is_added_and_a_third_fetch_adds_nothing(corpus, tmp_path):
    index_dir = tmp_path / "index"
    with fixture_api() as api:
        assert fetch(corpus, api, "--since", "2021-11-01", "--until", "2021-12-01").exit_code == 0
        first = update_index(corpus, index_dir)
        state = json.loads((corpus / STATE_FILE).read_text())
        assert state == {f"{api.url}|fi": {"decisions": "2021-12-01T00:00:00Z", "meetings": "2021-12-01T00:00:00Z",
                                           "since": "2021-11-01T00:00:00Z"}}

        meeting = copy.deepcopy(next(m for m in api.meetings if m["MeetingID"] == "00400202147"))
        meeting.update(MeetingID="00400202148", DateMeeting="2021-11-29T16:00:00.000", MeetingSequenceNumber=45)
        meeting["DecisionAnnouncement"] = meeting["DecisionAnnouncement"].replace("nro 44", "nro 45")
        api.publish(meeting)

        second = fetch(corpus, api, "--until", "2021-12-02")  # resumes where the first ended
        assert second.exit_code == 0, second.output
        assert "1 new, 0 changed" in second.output
        assert "ahjo/meetings/00400202148.json" in files(corpus)
        resumed = [r.query for r in api.requests if r.path.endswith("/decisions")][-1]
        assert resumed["handledsince"] == "2021-12-01T00:00:00Z"
        report = update_index(corpus, index_dir)
        assert report.added == 4 and report.updated == report.deleted == 0  # its päätöstiedote and 3 agenda items

        third = fetch(corpus, api, "--until", "2021-12-02")
        assert "0 new, 0 changed" in third.output
        assert update_index(corpus, index_dir).added == 0
    assert first.added > 0 and first.problems == []  # the elinkeinojaosto's conversion errors make no bulletins


def test_a_500_and_a_429_are_retried_with_backoff(corpus):
    with fixture_api() as api:
        api.fail(Failure(500, b"Internal Server Error"), Failure(429, b"", {"Retry-After": "1"}))
        started = time.monotonic()
        result = fetch(corpus, api, *WINDOW, "--window", "366")
        took = time.monotonic() - started
    assert result.exit_code == 0, result.output
    decisions = [r for r in api.requests if r.path.endswith("/decisions")]
    assert len(decisions) == 3  # the 500, the 429, the answer
    assert took >= 2  # 1 s after the 500, then the 1 s Retry-After asked for
    assert len([name for name in files(corpus) if name.startswith("ahjo/decisions/")]) == 8


def test_an_api_that_keeps_failing_ends_the_fetch_with_one_line_and_nothing_written(corpus):
    with fixture_api() as api:
        api.fail(*[Failure(503, b"Service Unavailable")] * 2)
        result = fetch(corpus, api, *WINDOW, "--retries", "1")
    assert result.exit_code == 1
    assert result.output == (f"Error: {api.url}decisions answered HTTP 503 Service Unavailable after 2 tries\n")
    assert files(corpus) == {}


@pytest.mark.parametrize(("body", "message"), [
    (b"<html><body>Huoltokatko</body></html>", "answered something that is not JSON"),
    (b'{"decisions": [{"NativeId": "{A', "answered something that is not JSON"),
    (b'{"virhe": "tuntematon"}', "answered what is no Ahjo response: not an Ahjo API response"),
    (b'{"decisions": [{"Title": "Ilman tunnusta"}]}', "answered what is no Ahjo response: an entry without a "
                                                      "usable 'NativeId'"),
    (b'{"meetings": []}', "answered what is no Ahjo response: a 'meetings' list, not 'decisions'"),
])
def test_garbage_ends_the_fetch_with_one_line_and_nothing_written(corpus, body, message):
    with fixture_api() as api:
        api.fail(Failure(200, body, {"Content-Type": "application/json"}))
        result = fetch(corpus, api, *WINDOW)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith(f"Error: {api.url}decisions ")
    assert message in result.output
    assert files(corpus) == {}


def test_an_unreachable_api_ends_the_fetch_with_one_line(corpus):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(main, ["fetch", "--corpus", str(corpus), "--api", f"http://127.0.0.1:{port}/v1/",
                                       *WINDOW, "--retries", "0"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach http://127.0.0.1:{port}/v1/decisions: ")
    assert result.output.count("\n") == 1
    assert files(corpus) == {}


def test_a_failure_midway_keeps_the_windows_saved_before_and_the_next_fetch_resumes(corpus):
    with fixture_api() as api:
        api.fail(Failure(500, b"", path="/ahjorest/v1/meetings"))
        result = fetch(corpus, api, *WINDOW, "--window", "366", "--retries", "0")
        assert result.exit_code == 1
        assert len(files(corpus)) == 9  # the decisions' window, whole, and the state
        assert json.loads((corpus / STATE_FILE).read_text())[f"{api.url}|fi"] == {
            "decisions": "2022-02-01T00:00:00Z", "since": "2021-11-01T00:00:00Z"}
        assert fetch(corpus, api, "--until", "2022-02-01").exit_code == 0
    assert len([name for name in files(corpus) if name.startswith("ahjo/meetings/")]) == 2


def test_the_key_comes_from_the_environment(corpus):
    with fixture_api(key="salainen") as api:
        refused = fetch(corpus, api, *WINDOW, env={"BULLETINS_AHJO_KEY": ""})
        accepted = fetch(corpus, api, *WINDOW, env={"BULLETINS_AHJO_KEY": "salainen"})
    assert refused.exit_code == 1 and "answered HTTP 401 Unauthorized" in refused.output
    assert accepted.exit_code == 0, accepted.output
    assert "salainen" not in refused.output + accepted.output


def test_the_api_comes_from_the_environment_or_the_fetch_says_it_is_missing(corpus):
    with fixture_api() as api:
        result = CliRunner().invoke(main, ["fetch", "--corpus", str(corpus), *WINDOW],
                                    env={"BULLETINS_AHJO_URL": api.url})
    assert result.exit_code == 0, result.output
    missing = CliRunner().invoke(main, ["fetch", "--corpus", str(corpus)], env={"BULLETINS_AHJO_URL": ""})
    assert missing.exit_code == 1
    assert missing.output == ("Error: no API to fetch from: set $BULLETINS_AHJO_URL to its base URL (or give it with "
                              "`bulletins fetch --api URL`)\n")


def test_an_answer_over_the_size_limit_is_refused():
    with fixture_api() as api:
        client = JsonClient(max_bytes=10_000, retries=0)
        with pytest.raises(FetchError, match="more than the limit of 10,000"):
            client.get(f"{api.url}decisions?handledsince=2021-11-01T00:00:00Z&handledbefore=2022-02-01T00:00:00Z"
                       "&size=100&apireqlang=fi")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/ahjo is not here")
def test_a_fetch_of_the_shared_responses_gives_the_same_bulletins_as_the_files(corpus):
    sources = sorted(SHARED.glob("*.json"))
    with AhjoApi.from_files(*sources) as api:
        result = fetch(corpus, api, "--since", "2021-01-01", "--until", "2022-03-01", "--size", "20")
    assert result.exit_code == 0, result.output
    assert len([name for name in files(corpus) if name.startswith("ahjo/decisions/")]) == 100
    assert {b.id for b in CorpusReader(corpus)} == bulletins_of(sources)
