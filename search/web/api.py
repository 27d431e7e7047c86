"""The JSON API: the same searches as the pages, for programs. Documented in `openapi`."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from search.errors import IndexMissingError
from search.web import openapi
from search.web.backend import searcher, watcher_status
from search.web.errors import error_response
from search.web.i18n import language, text
from search.web.params import search_request

blueprint = Blueprint("api", __name__)


@blueprint.get("/search")
def search():
    """The JSON twin of the search page: exactly `bulletins search --json`."""
    return jsonify(searcher().search(search_request(request.args)).to_dict())


@blueprint.get("/bulletins/<bulletin_id>")
def bulletin(bulletin_id: str):
    """The JSON twin of the bulletin page."""
    stored = searcher().bulletin(bulletin_id)
    if stored is None:
        return error_response(404, text(language(), "bulletin_not_found", id=bulletin_id))
    return jsonify({"id": stored.id, "title": stored.title, "date": stored.date, "organ": stored.organ,
                    "url": stored.url, "source": stored.source, "body": stored.body})


@blueprint.get("/health")
def health():
    """Whether the index can be searched (503 while it is missing), and how the watcher keeping it
    current goes, if the server runs one."""
    body: dict = {"status": "ok"}
    status = 200
    try:
        searcher()
    except IndexMissingError:
        body, status = {"status": "unavailable", "message": text(language(), "index_missing")}, 503
    watcher = watcher_status()
    if watcher is not None:
        body["watcher"] = watcher.to_dict()
    return jsonify(body), status


@blueprint.get("/openapi.json")
def openapi_document():
    """The OpenAPI description of this API."""
    return jsonify(openapi.document())
