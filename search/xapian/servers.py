"""xapian-tcpsrv processes on this machine, as the tests and benchmarks start them: each serves one
shard folder on a free port of 127.0.0.1, is waited for until it accepts a connection, and is
stopped with the connections it forked. (On several machines, `bulletins shard serve` runs one.)"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HOST = "127.0.0.1"
TCPSRV = shutil.which("xapian-tcpsrv") or "/usr/bin/xapian-tcpsrv"
# How long a server may take to accept its first connection on a busy machine.
START_SECONDS = 30.0


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def accepts(port: int) -> bool:
    """Whether something on 127.0.0.1 accepts a connection on `port`."""
    try:
        with socket.create_connection((HOST, port), timeout=1.0):
            return True
    except OSError:
        return False


def tcpsrv_command(folder: str | Path, port: int) -> list[str]:
    return [TCPSRV, "--quiet", "--interface", HOST, "--port", str(port), str(folder)]


def start(command: Sequence[str], port: int) -> subprocess.Popen:
    """Run `command`, a server that listens on `port`, in a session of its own (xapian-tcpsrv forks
    a child for each connection: stop() ends them with it); return once it accepts a connection.
    RuntimeError when it exits or never listens."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(list(command), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                                   start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                errors.seek(0)
                raise RuntimeError(f"{command[0]} exited ({process.returncode}): {errors.read().decode()[-500:]}")
            if accepts(port):
                return process
            time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"{' '.join(command)} did not listen on port {port} within {START_SECONDS:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the server `start` started, and every process of its session (the connections it forked)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        pass
    try:  # whatever of the session is left, the server itself included
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class ShardServers:
    """xapian-tcpsrv servers, one per shard folder, each on its own port; `close` stops them all."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen] = {}
        self.folders: dict[str, str] = {}

    def serve(self, folder: str | Path, port: int | None = None) -> str:
        """Serve `folder` on `port` (a free one when None, retried where another process took it
        first); return the shard's `host:port`."""
        for attempt in range(3):
            chosen = port or free_port()
            try:
                process = start(tcpsrv_command(folder, chosen), chosen)
            except RuntimeError:
                if port is not None or attempt == 2:
                    raise
                continue
            address = f"{HOST}:{chosen}"
            self.processes[address], self.folders[address] = process, str(folder)
            return address
        raise AssertionError("unreachable")

    def serve_all(self, folders: Sequence[str | Path]) -> tuple[str, ...]:
        return tuple(self.serve(folder) for folder in folders)

    def stop(self, address: str) -> None:
        stop(self.processes.pop(address))

    def restart(self, address: str) -> None:
        """Serve the stopped shard at `address` again, on the same port."""
        port = int(address.rpartition(":")[2])
        deadline = time.monotonic() + START_SECONDS
        while True:  # the port may be held a moment after the old server went
            try:
                self.processes[address] = start(tcpsrv_command(self.folders[address], port), port)
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def close(self) -> None:
        for address in list(self.processes):
            self.stop(address)

    def __enter__(self) -> ShardServers:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
