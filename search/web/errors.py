"""Errors as a clear message with the right status: JSON for the API and the feed, a page for people.

No response ever carries a stack trace: unexpected errors are logged and answered with a 500."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from search.errors import IndexMissingError, QueryError, ShardUnavailableError
from search.web.i18n import MESSAGES, language, text
from search.web.params import ParamError

_PAGE_MESSAGES = {400: ("bad_request", None), 404: ("not_found", "not_found_text"),
                  405: ("error", "method_not_allowed"), 503: ("unavailable", "index_missing"),
                  500: ("error", "server_error")}


def describe(error: QueryError, lang: str) -> str:
    """The one-line message for a bad query or parameter, in `lang` when we wrote it. The query
    parser's own messages are English, so only other languages look them up."""
    if isinstance(error, ParamError):
        return text(lang, error.key, **error.values)
    if error.key and f"query_{error.key}" in MESSAGES[lang]:
        return text(lang, f"query_{error.key}", **error.values)
    return str(error)


def wants_json() -> bool:
    """Whether the request is the API's or the feed's, whose clients are programs."""
    return request.path.startswith("/api/") or request.path.endswith(".atom")


def error_response(status: int, message: str, param: str | None = None) -> tuple[Response | str, int]:
    """The error as JSON `{status, message[, param]}` or as the error page."""
    if wants_json():
        body = {"status": status, "message": message}
        if param:
            body["param"] = param
        return jsonify(body), status
    title_key, _ = _PAGE_MESSAGES.get(status, ("error", None))
    return render_template("error.html", title=text(language(), title_key), message=message, status=status), status


def register(app: Flask) -> None:
    """Install the handlers for bad queries, a missing index, HTTP errors and everything else."""

    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return error_response(400, describe(error, language()), getattr(error, "param", None))

    @app.errorhandler(IndexMissingError)
    def no_index(error: IndexMissingError):
        return error_response(503, text(language(), "index_missing"))

    @app.errorhandler(ShardUnavailableError)
    def shard_down(error: ShardUnavailableError):
        # Not results from the other shards: their counts and facets would hold only part of the matches.
        current_app.logger.warning("%s", error)
        response, status = error_response(503, text(language(), "shard_down", shard=error.shard))
        response = make_response(response, status)
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        _, message_key = _PAGE_MESSAGES.get(error.code or 500, ("error", None))
        message = text(language(), message_key) if message_key else error.description
        response, status = error_response(error.code or 500, message)
        response = make_response(response, status)
        # the error's own headers, as Werkzeug would send them: a 405's Allow lists the methods there are
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        current_app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, text(language(), "server_error"))
