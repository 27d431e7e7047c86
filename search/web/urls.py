"""Absolute addresses, for the feed: built from the configured public base URL (`BASE_URL`), else
from the request, whose Host a trusted proxy may set (search.web.server). An entry's id never comes
from the request: it must stay the same however the feed is reached."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from flask import current_app, request, url_for

# Ids of entries and feeds when no base URL is configured are name-based UUIDs (urn:uuid:…) of their
# path in this namespace, made for bulletin-search once.
_NAMESPACE = uuid.UUID("ed0b4d6f-8189-4433-a6ff-dbc7f932f1b6")


def check_base_url(value: str) -> str:
    """`value` as a base URL (`https://haku.example.fi` or with a path), without a final slash.
    Raise ValueError if it is not an absolute http(s) URL without query or fragment."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) base URL without query or fragment: {value!r}")
    return value.strip().rstrip("/")


def absolute_url(endpoint: str, **values: object) -> str:
    """The absolute URL of `endpoint` with `values`: under BASE_URL when configured."""
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)[len(request.script_root):]


def permanent_id(endpoint: str, **values: object) -> str:
    """An id for the page of `endpoint` that the request cannot change: its URL under BASE_URL, else
    a UUID made from its path."""
    if current_app.config.get("BASE_URL"):
        return absolute_url(endpoint, **values)
    path = url_for(endpoint, **values)[len(request.script_root):]
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, path)}"
