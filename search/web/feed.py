"""An Atom feed per search, newest bulletins first, so a person can follow a topic in a feed reader.

A feed changes only when the index does, so it carries the index's last update as Last-Modified and
an ETag made of that and the request; a reader that asks again with either gets 304 Not Modified,
answered by Werkzeug's conditional responses before anything is searched."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from flask import Blueprint, Response, render_template, request
from werkzeug.http import is_resource_modified

from search.web.backend import searcher
from search.web.i18n import language
from search.web.params import FEED_PARAMS, FEED_SIZE, check_names, search_request
from search.web.urls import absolute_url, permanent_id

blueprint = Blueprint("feed", __name__)

# Characters XML 1.0 cannot hold at all, even escaped: they are dropped from bulletin text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@blueprint.get("/search.atom")
def search_feed():
    """The newest bulletins matching `q` (with the page's filters) as an Atom feed: matches only,
    never related results. 304 when the reader's copy is current."""
    check_names(request.args, FEED_PARAMS)
    asked = search_request(request.args, page_size=FEED_SIZE, sort="newest", related=False)
    updated = searcher().last_update().replace(microsecond=0)
    etag = _etag(updated)
    if not is_resource_modified(request.environ, etag=etag, last_modified=updated):
        return _conditional(Response(status=304), etag, updated)
    result = searcher().search(asked)
    newest = max((timestamp(hit.date) for hit in result.hits), default=None)
    body = render_template("feed.atom.xml", result=result, timestamp=timestamp, absolute_url=absolute_url,
                           permanent_id=permanent_id, updated=newest or updated.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return _conditional(Response(body, mimetype="application/atom+xml"), etag, updated).make_conditional(request)


def _etag(updated: datetime) -> str:
    """What the feed's content depends on: the index's version, the request's parameters and language."""
    key = f"{updated.isoformat()}\n{sorted(request.args.items(multi=True))}\n{language()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _conditional(response: Response, etag: str, updated: datetime) -> Response:
    response.set_etag(etag)
    response.last_modified = updated
    return response


def timestamp(iso_date: str) -> str:
    """A bulletin date (`2020-11` or `2020-11-23`) as the RFC 3339 time Atom needs: its first day."""
    return f"{(iso_date + '-01-01')[:10]}T00:00:00Z"


def xml_text(value: object) -> str:
    """`value` as text that XML can hold."""
    return _NOT_XML.sub("", str(value or ""))


blueprint.add_app_template_filter(xml_text, "xml")
