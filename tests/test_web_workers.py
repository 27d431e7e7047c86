"""`bulletins serve --workers N`: N processes share the port and its connections, each sees a new
commit to the index at once, and one that dies is started again while the others go on answering."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from test_web_live import NEW_BULLETIN, search_total

from search.index.writer import update_index

from conftest import wait_for


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                found.add(int(entry))
    return found


def test_worker_processes_share_the_port_see_updates_and_are_restarted(corpus_dir: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    command = [sys.executable, "-c", "from search.cli import main; main()", "serve", "--port", "0", "--workers", "2",
               "--threads", "2", "--index", str(index_dir)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()
        assert "with 2 processes" in line
        base = re.search(r"on (http://\S+) ", line)[1]
        assert wait_for(lambda: len(children(server.pid)) == 2, seconds=10)
        assert [search_total(base, "kampusinkubaattoreiden") for _ in range(20)] == [1] * 20

        (corpus_dir / "2026-03-02_kampus.txt").write_text(NEW_BULLETIN, encoding="utf-8")
        update_index(corpus_dir, index_dir)
        # New connections go to either worker: every answer has the new bulletin
        assert [search_total(base, "kampusinkubaattoreiden") for _ in range(20)] == [2] * 20

        workers = children(server.pid)
        os.kill(min(workers), signal.SIGKILL)
        assert wait_for(lambda: len(children(server.pid)) == 2 and children(server.pid) != workers, seconds=10)
        assert [search_total(base, "kampusinkubaattoreiden") for _ in range(10)] == [2] * 10
        workers = children(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), seconds=5)  # none outlives it


def established(pid: int, port: int) -> int:
    """How many established TCP connections to `port` process `pid` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            count += local_port == port and state == "01" and inode in inodes
    return count


def test_worker_processes_take_the_connections_in_turn(corpus_dir: Path, tmp_path: Path):
    """Clients keep their connections for many searches: 16 opened at once are dealt out evenly,
    not as the workers happen to wake (dealt at random, an even split of 16 comes one time in five)."""
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    command = [sys.executable, "-c", "from search.cli import main; main()", "serve", "--port", "0", "--workers", "2",
               "--index", str(index_dir)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    connections: list[http.client.HTTPConnection] = []
    try:
        address = urlsplit(re.search(r"on (http://\S+) ", server.stdout.readline())[1])
        assert wait_for(lambda: len(children(server.pid)) == 2, seconds=10)
        connections = [http.client.HTTPConnection(address.hostname, address.port, timeout=30) for _ in range(16)]
        for connection in connections:
            connection.connect()
        for connection in connections:  # a search on each, the connection kept
            connection.request("GET", "/api/search?q=kampusinkubaattoreiden")
        assert all(connection.getresponse().read() for connection in connections)
        held = sorted(established(pid, address.port) for pid in children(server.pid))
        assert sum(held) == 16 and held[1] - held[0] <= 1, held
    finally:
        for connection in connections:
            connection.close()
        server.terminate()
        server.wait(timeout=10)
