"""`bulletins serve --fetch-every` keeps a server current by itself: a meeting the API publishes is
searchable within seconds, through the real server, the real fetch and the local API server."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from search.cli import main

from ahjo_api import AhjoApi
from conftest import wait_for

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ahjo"


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serve_fetch_every_makes_a_newly_published_meeting_searchable_within_seconds(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with AhjoApi.from_files(*sorted(FIXTURES.glob("*.json"))) as api:
        # Catch up once by hand, as an operator would before starting the server.
        result = CliRunner().invoke(main, ["fetch", "--corpus", str(corpus), "--api", api.url, "--since",
                                           "2021-11-01", "--window", "366"])
        assert result.exit_code == 0, result.output
        command = [sys.executable, "-c", "from search.cli import main; main()", "serve", "--fetch-every", "1s",
                   "--port", "0", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "--threads", "2"]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  env={**os.environ, "BULLETINS_AHJO_URL": api.url})
        try:
            lines = []  # the fetcher may print before the server says where it listens
            while not (match := re.search(r"^Serving .* on (http://\S+) ", lines[-1] if lines else "")):
                lines.append(server.stdout.readline())
            base = match[1]
            assert wait_for(lambda: status(f"{base}/api/bulletins/00400202147-tiedote") == 200, seconds=20)

            meeting = copy.deepcopy(next(m for m in api.meetings if m["MeetingID"] == "00400202147"))
            today = datetime.now(UTC)
            meeting.update(MeetingID="00400202199", DateMeeting=f"{today:%Y-%m-%d}T08:00:00.000")
            api.publish(meeting)
            published = time.monotonic()
            assert wait_for(lambda: status(f"{base}/api/bulletins/00400202199-tiedote") == 200, seconds=15)
            assert time.monotonic() - published < 10
        finally:
            server.terminate()
            output = "".join(lines) + server.stdout.read()  # not communicate(): it would skip what readline buffered
            server.wait(timeout=10)
    assert "Fetching from " in output and "1 new, 0 changed" in output


def test_fetch_every_takes_a_duration_and_needs_an_api():
    runner = CliRunner()
    bad = runner.invoke(main, ["serve", "--fetch-every", "vartti"], env={"BULLETINS_AHJO_URL": "http://127.0.0.1:9/"})
    assert bad.exit_code == 2 and "'vartti' is not a duration such as 90s, 15m, 2h or 1d" in bad.output
    missing = runner.invoke(main, ["serve", "--fetch-every", "15m"], env={"BULLETINS_AHJO_URL": ""})
    assert missing.exit_code == 1
    assert missing.output == ("Error: no API to fetch from: set $BULLETINS_AHJO_URL to its base URL (or give it with "
                              "`bulletins fetch --api URL`)\n")
