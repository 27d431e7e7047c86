"""The JSON API: the same searches as the pages, for programs. Documented in `openapi`."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from search.errors import IndexMissingError, ShardUnavailableError
from search.web import openapi
from search.web.backend import searcher, watcher_status
from search.web.errors import error_response
from search.web.i18n import language, text
from search.web.params import COMPLETION_PARAMS, SEARCH_PARAMS, check_names, completion_request, search_request

blueprint = Blueprint("api", __name__)


@blueprint.get("/search")
def search():
    """The JSON twin of the search page: exactly `bulletins search --json`."""
    check_names(request.args, SEARCH_PARAMS)
    return jsonify(searcher().search(search_request(request.args)).to_dict())


@blueprint.get("/suggest")
def suggest():
    """Completions of `q` as it is typed: the index's own words in base form (or a filter's names),
    most bulletins first. With format=opensearch, the OpenSearch suggestions array a browser reads."""
    check_names(request.args, COMPLETION_PARAMS)
    text, size, opensearch = completion_request(request.args)
    completions = searcher().complete(text, size)
    if opensearch:
        response = jsonify([text, [completion.query for completion in completions]])
        response.mimetype = "application/x-suggestions+json"
        return response
    return jsonify({"query": text, "completions": [completion.to_dict() for completion in completions]})


@blueprint.get("/bulletins/<bulletin_id>")
def bulletin(bulletin_id: str):
    """The JSON twin of the bulletin page."""
    stored = searcher().bulletin(bulletin_id)
    if stored is None:
        return error_response(404, text(language(), "bulletin_not_found", id=bulletin_id))
    return jsonify(stored.to_dict())


@blueprint.get("/health")
def health():
    """Whether the index can be searched (503 while it is missing, or a shard of it cannot be reached),
    and how the watcher keeping it current goes, if the server runs one."""
    body: dict = {"status": "ok"}
    status = 200
    try:
        searcher().last_update()  # reaches every shard of a sharded index
    except IndexMissingError:
        body, status = {"status": "unavailable", "message": text(language(), "index_missing")}, 503
    except ShardUnavailableError as error:
        body = {"status": "unavailable", "message": text(language(), "shard_down", shard=error.shard),
                "shard": error.shard}
        status = 503
    watcher = watcher_status()
    if watcher is not None:
        body["watcher"] = watcher.to_dict()
    return jsonify(body), status


@blueprint.get("/openapi.json")
def openapi_document():
    """The OpenAPI description of this API."""
    return jsonify(openapi.document())
