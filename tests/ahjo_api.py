"""A real HTTP server on 127.0.0.1 that answers like the Ahjo API, replaying recorded real responses.

`GET /decisions?handledsince=&handledbefore=&size=&apireqlang=` and `GET /meetings?start=&end=&size=&
apireqlang=` answer the entries of the window (at most `size`, the earliest first) in the API's
response shape. When each decision was handled is the server's own record: here, the day of its
meeting, else the day its HTML was generated. Failures can be queued (`fail`), meetings published
(`publish`), and every request is logged."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Failure:
    """An answer to give instead of the data: a status, headers and a body."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # only for requests to this path


class AhjoApi:
    """The server. Use as a context manager; `url` is its base URL."""

    def __init__(self, decisions: list[Any], meetings: list[Any], *, wrap_decisions: bool = True,
                 key: str | None = None) -> None:
        self.decisions = [_unwrapped(entry) for entry in decisions]
        self.meetings = [_unwrapped(entry) for entry in meetings]
        self.wrap_decisions = wrap_decisions
        self.key = key
        self.requests: list[Request] = []
        self.failures: list[Failure] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @classmethod
    def from_files(cls, *paths: Path, **options: Any) -> AhjoApi:
        decisions, meetings = [], []
        for path in paths:
            data = json.loads(path.read_text(encoding="utf-8"))
            decisions += data.get("decisions", [])
            meetings += data.get("meetings", [])
        return cls(decisions, meetings, **options)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/ahjorest/v1/"

    def __enter__(self) -> AhjoApi:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, *failures: Failure) -> None:
        """Answer the next requests with these failures, in order."""
        with self._lock:
            self.failures += failures

    def publish(self, meeting: dict[str, Any]) -> None:
        with self._lock:
            self.meetings.append(meeting)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            failure = next((f for f in self.failures if f.path in (None, path)), None)
            if failure:
                self.failures.remove(failure)
                return failure.status, failure.headers, failure.body
            if path.endswith("/decisions"):
                entries = self._window(self.decisions, _handled, query["handledsince"], query["handledbefore"])
                key = "decisions"
                entries = [[entry] if self.wrap_decisions else entry for entry in entries[: int(query["size"])]]
            elif path.endswith("/meetings"):
                entries = self._window(self.meetings, _meeting_time, query["start"], query["end"])
                key = "meetings"
                entries = entries[: int(query["size"])]
            else:
                return 404, {}, b'{"error": "not found"}'
        return 200, {"Content-Type": "application/json"}, json.dumps({key: entries}, ensure_ascii=False).encode()

    @staticmethod
    def _window(entries: list[dict[str, Any]], when: Any, since: str, before: str) -> list[dict[str, Any]]:
        low, high = _moment(since), _moment(before)
        return sorted((entry for entry in entries if low <= when(entry) < high), key=when)


def _handler(api: AhjoApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            api.requests.append(Request(parts.path, query, dict(self.headers)))
            if api.key and self.headers.get("api-key") != api.key:
                status, headers, body = 401, {}, b'{"error": "unauthorized"}'
            else:
                status, headers, body = api.answer(parts.path, query)
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _unwrapped(entry: Any) -> dict[str, Any]:
    return entry[0] if isinstance(entry, list) else entry


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _meeting_time(meeting: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(meeting["DateMeeting"][:19]).replace(tzinfo=UTC)


def _handled(decision: dict[str, Any]) -> datetime:
    if decision.get("Meeting"):
        return _meeting_time(decision["Meeting"])
    generated = decision["Content"].split('name="ThisHTMLGenerated" content="', 1)[1][:19]
    return datetime.fromisoformat(generated).replace(tzinfo=UTC)
