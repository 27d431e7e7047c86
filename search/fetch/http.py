"""A polite HTTP client for JSON APIs: a timeout, a User-Agent naming the project, retries with
exponential backoff on 429, 5xx and network errors (honouring Retry-After), and a size limit on what
it reads. The standard library's urllib does all of this with a few lines of ours."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any

from search.errors import FetchError

MAX_WAIT = 120.0  # seconds: the longest pause before a retry, whatever Retry-After asks


def user_agent() -> str:
    try:
        version = metadata.version("bulletin-search")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"bulletin-search/{version} (bulletins fetch; Finnish city bulletin search)"


class JsonClient:
    """GETs JSON documents. `headers` go with every request (an API key, say)."""

    def __init__(self, headers: Mapping[str, str] | None = None, *, timeout: float = 30.0, retries: int = 4,
                 backoff: float = 1.0, max_bytes: int = 64 * 2**20,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.headers = {"User-Agent": user_agent(), "Accept": "application/json", **(headers or {})}
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.requests = 0

    def get(self, url: str) -> Any:
        """The JSON document at `url`. FetchError, in one line, if the server cannot be reached or
        keeps failing, or if it answers with an error, too much, or something that is not JSON."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                return self._get_once(url)
            except urllib.error.HTTPError as error:
                if last or not (error.code == 429 or error.code >= 500):
                    raise FetchError(f"{_where(url)} answered HTTP {error.code} {error.reason}"
                                     + (f" after {attempt + 1} tries" if attempt else "")) from None
                self.sleep(self._wait(attempt, error.headers.get("Retry-After")))
            except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as error:
                if last:
                    reason = getattr(error, "reason", None) or error
                    raise FetchError(f"cannot reach {_where(url)}: {reason}"
                                     + (f" (tried {attempt + 1} times)" if attempt else "")) from None
                self.sleep(self._wait(attempt, None))
        raise AssertionError("unreachable")

    def _get_once(self, url: str) -> Any:
        self.requests += 1
        request = urllib.request.Request(url, headers=self.headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                raise FetchError(f"{_where(url)} answered {int(length):,} bytes, more than the limit of "
                                 f"{self.max_bytes:,}: fetch smaller windows")
            data = response.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise FetchError(f"{_where(url)} answered more than the limit of {self.max_bytes:,} bytes: "
                             "fetch smaller windows")
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            start = data[:40].decode("utf-8", "replace").strip()
            raise FetchError(f"{_where(url)} answered something that is not JSON ({error}): {start!r}") from None

    def _wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the next try: what Retry-After asks, else backoff doubling each time."""
        wait = self.backoff * 2**attempt
        if retry_after:
            try:
                wait = float(retry_after)
            except ValueError:
                try:
                    wait = parsedate_to_datetime(retry_after).timestamp() - time.time()
                except (TypeError, ValueError):
                    pass
        return min(MAX_WAIT, max(0.0, wait))


def _where(url: str) -> str:
    """The URL without its query, for messages."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
