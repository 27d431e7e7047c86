"""An Atom feed per search, newest bulletins first, so a person can follow a topic in a feed reader."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Blueprint, Response, render_template, request

from search.web.backend import searcher
from search.web.params import FEED_SIZE, search_request
from search.web.urls import absolute_url, permanent_id

blueprint = Blueprint("feed", __name__)

# Characters XML 1.0 cannot hold at all, even escaped: they are dropped from bulletin text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@blueprint.get("/search.atom")
def search_feed():
    """The newest bulletins matching `q` (with the page's filters) as an Atom feed."""
    result = searcher().search(search_request(request.args, page_size=FEED_SIZE, sort="newest"))
    updated = max((timestamp(hit.date) for hit in result.hits), default=None)
    body = render_template("feed.atom.xml", result=result, timestamp=timestamp, absolute_url=absolute_url,
                           permanent_id=permanent_id,
                           updated=updated or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return Response(body, mimetype="application/atom+xml")


def timestamp(iso_date: str) -> str:
    """A bulletin date (`2020-11` or `2020-11-23`) as the RFC 3339 time Atom needs: its first day."""
    return f"{(iso_date + '-01-01')[:10]}T00:00:00Z"


def xml_text(value: object) -> str:
    """`value` as text that XML can hold."""
    return _NOT_XML.sub("", str(value or ""))


blueprint.add_app_template_filter(xml_text, "xml")
