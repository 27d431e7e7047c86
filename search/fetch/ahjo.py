"""`bulletins fetch`: new and changed decisions and meetings from an Ahjo-compatible API into the
corpus folder, as files the corpus reader knows.

Decisions are asked for by the time they were handled (`handledsince`, `handledbefore`), meetings by
their date (`start`, `end`), window by window, with `apireqlang` and `size`. A window that comes back
full (`size` entries) may hold more: it is halved and asked for again, so nothing is cut off.

Each decision is saved as `ahjo/decisions/<NativeId>.json` and each meeting as
`ahjo/meetings/<MeetingID>.json`, in the API's own response shape (`{"decisions": [...]}`), written
atomically and only when its content changed: fetching the same window again changes nothing. A
window is saved only once all of it has been fetched and checked, and the state beside the corpus
(`.ahjo-fetch.json`, hidden, so neither the reader nor the watcher looks at it) then records how far
the fetch has come; the next fetch resumes there. Meetings change after they are held (their
päätöstiedote, their minutes) and are published before (their agenda): each fetch asks again for the
meetings of the MEETINGS_BEHIND days before the last fetch and for those of the MEETINGS_AHEAD days
after it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

from search.config import KEY_ENV, URL_ENV
from search.corpus.ahjo import EntryError, response_entries, unwrap
from search.errors import BulletinsError, FetchError
from search.fetch.http import JsonClient

STATE_FILE = ".ahjo-fetch.json"
FOLDER = "ahjo"
FIRST_DAYS = 30  # how far back a first fetch goes without --since
MEETINGS_BEHIND = timedelta(days=30)
MEETINGS_AHEAD = timedelta(days=30)
SMALLEST_WINDOW = timedelta(seconds=1)  # the API takes whole seconds
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

# What each endpoint is asked with, and the field that names its entries.
ENDPOINTS = {"decisions": ("handledsince", "handledbefore", "NativeId"),
             "meetings": ("start", "end", "MeetingID")}


@dataclass(frozen=True)
class FetchSettings:
    """Where and how to fetch. `api` is the base URL the endpoints hang off (e.g.
    `https://ahjo.hel.fi:9802/ahjorest/v1/`); `key`, if any, goes in the `key_header` header."""

    api: str
    key: str | None = None
    key_header: str = "api-key"
    lang: str = "fi"
    size: int = 1000
    window: timedelta = timedelta(days=7)
    since: datetime | None = None
    until: datetime | None = None
    retries: int = 4
    timeout: float = 30.0

    @classmethod
    def from_environment(cls, **overrides: Any) -> FetchSettings:
        """Settings from $BULLETINS_AHJO_URL and $BULLETINS_AHJO_KEY, with `overrides`; FetchError without a URL."""
        api = overrides.pop("api", None) or os.environ.get(URL_ENV)
        if not api:
            raise FetchError(f"no API to fetch from: set ${URL_ENV} to its base URL "
                             "(or give it with `bulletins fetch --api URL`)")
        return cls(api=api, key=overrides.pop("key", None) or os.environ.get(KEY_ENV) or None, **overrides)


@dataclass
class FetchReport:
    """What a fetch did: entries fetched by endpoint, files added, changed and left as they were."""

    fetched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENDPOINTS, 0))
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    requests: int = 0
    windows: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)

    def summary(self) -> str:
        spans = ", ".join(f"{name} {_stamp(start)} → {_stamp(end)}: {self.fetched[name]:,}"
                          for name, (start, end) in self.windows.items())
        return (f"fetched {spans} ({self.requests:,} requests); {self.added:,} new, {self.changed:,} changed, "
                f"{self.unchanged:,} unchanged files")


def fetch(corpus_dir: Path, settings: FetchSettings, now: datetime | None = None,
          client: JsonClient | None = None) -> FetchReport:
    """Fetch what is new or changed since the last fetch (or `settings.since`) up to `settings.until`
    (or now) into `corpus_dir`. Raise FetchError, having saved only whole windows, when the API
    cannot be reached or answers what is no Ahjo response."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FetchError(f"corpus folder not found: {corpus_dir}")
    now = now or datetime.now(UTC)
    headers = {settings.key_header: settings.key} if settings.key else {}
    client = client or JsonClient(headers, timeout=settings.timeout, retries=settings.retries)
    state = _State(corpus_dir / STATE_FILE, f"{settings.api}|{settings.lang}")
    end = settings.until or now
    first = settings.since or state.get("since") or now - timedelta(days=FIRST_DAYS)
    report = FetchReport()
    try:
        for name in ENDPOINTS:
            resumed = None if settings.since else state.get(name)
            start = first if resumed is None else resumed
            if name == "meetings":
                window = (start - MEETINGS_BEHIND if resumed else start, end + MEETINGS_AHEAD)
            else:
                window = (start, end)
            report.windows[name] = window
            for low, high in _windows(*window, settings.window):
                entries = _fetch_window(client, settings, name, low, high)
                _save(corpus_dir, name, entries, report)
                state.advance(name, min(high, end), first)
    except OSError as error:  # a full disk, a folder we may not write: the windows saved so far stand
        raise FetchError(f"cannot write into {corpus_dir}: {error.strerror or error}") from None
    finally:
        report.requests = client.requests
    return report


def _windows(start: datetime, end: datetime, length: timedelta) -> list[tuple[datetime, datetime]]:
    windows = []
    while start < end:
        windows.append((start, min(end, start + length)))
        start += length
    return windows


def _fetch_window(client: JsonClient, settings: FetchSettings, name: str, start: datetime,
                  end: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The entries of one window as (id, entry), checked; a full answer is split in two and asked again."""
    since, before, id_field = ENDPOINTS[name]
    query = {since: _stamp(start), before: _stamp(end), "size": settings.size, "apireqlang": settings.lang}
    url = urljoin(settings.api.rstrip("/") + "/", name) + "?" + urlencode(query)
    data = client.get(url)
    try:
        key, raw = response_entries(data)
        if key != name:
            raise EntryError(f"a '{key}' list, not '{name}'")
        entries = [_entry(item, name, id_field) for item in raw]
    except EntryError as error:
        raise FetchError(f"{url.split('?')[0]} answered what is no Ahjo response: {error}") from None
    if len(entries) < settings.size:
        return entries
    if end - start <= SMALLEST_WINDOW:
        raise FetchError(f"the API gives more than {settings.size} {name} between {_stamp(start)} and "
                         f"{_stamp(end)}: fetch with a larger --size")
    middle = start + (end - start) / 2
    return (_fetch_window(client, settings, name, start, middle)
            + _fetch_window(client, settings, name, middle, end))


def _entry(item: Any, name: str, id_field: str) -> tuple[str, dict[str, Any]]:
    entry = unwrap(item, name[:-1])
    entry_id = entry.get(id_field)
    file_name = _UNSAFE.sub("_", entry_id.strip().strip("{}")) if isinstance(entry_id, str) else ""
    if file_name.strip("._") == "":
        raise EntryError(f"an entry without a usable '{id_field}'")
    return file_name, entry


def _save(corpus_dir: Path, name: str, entries: list[tuple[str, dict[str, Any]]], report: FetchReport) -> None:
    """Write each entry as a one-entry response of its own, only if it is new or changed."""
    folder = corpus_dir / FOLDER / name
    for file_name, entry in entries:
        report.fetched[name] += 1
        path = folder / f"{file_name}.json"
        data = (json.dumps({name: [entry]}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        existed = path.exists()
        if existed and path.read_bytes() == data:
            report.unchanged += 1
            continue
        write_atomically(path, data)
        if existed:
            report.changed += 1
        else:
            report.added += 1


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` at once: a reader sees the old file or the new one, never half of it.
    The temporary file is hidden, so the corpus reader and watcher pass it by."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _State:
    """How far fetches from one API in one language have come, by endpoint, and where the first began
    (`since`: where an endpoint not fetched yet starts), kept in a JSON file."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        try:
            self.data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, ValueError) as error:
            raise FetchError(f"cannot read the fetch state {path}: {error}; remove it to start afresh") from None
        if not isinstance(self.data, dict):
            raise FetchError(f"the fetch state {path} is not a JSON object; remove it to start afresh")

    def get(self, name: str) -> datetime | None:
        stamp = self.data.get(self.key, {}).get(name)
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if stamp else None

    def advance(self, name: str, until: datetime, since: datetime) -> None:
        """Record that `name` has been fetched up to `until` since `since`; the state never moves back."""
        current = self.get(name)
        if current is None or current < until:
            state = self.data.setdefault(self.key, {})
            state.setdefault("since", _stamp(since))
            state[name] = _stamp(until)
            write_atomically(self.path, (json.dumps(self.data, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def _stamp(moment: datetime) -> str:
    """A moment as the Ahjo API takes it: `2021-11-01T00:00:00Z` (UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PeriodicFetch:
    """Runs a fetch now and then every `every` seconds in a thread of its own until `stop()`; each
    report goes to `on_report`, each error to `on_error` (and the next fetch tries again)."""

    def __init__(self, every: float, run: Callable[[], FetchReport], on_report: Callable[[FetchReport], None],
                 on_error: Callable[[BulletinsError], None]) -> None:
        self.every = every
        self.run = run
        self.on_report = on_report
        self.on_error = on_error
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ahjo-fetch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop; a fetch under way is finished first."""
        self._stopping.set()
        self._thread.join()

    def __enter__(self) -> PeriodicFetch:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.on_report(self.run())
            except BulletinsError as error:
                self.on_error(error)
            self._stopping.wait(self.every)
