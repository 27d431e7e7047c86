"""The OpenAPI 3.1 description of the JSON API and the feed, built from the same parameter list they read."""

from __future__ import annotations

from search.searcher.results import CORRECTIONS, HOWS, SORTS
from search.web.params import COMPLETION_PARAMS, DEFAULT_PAGE_SIZE, FEED_PARAMS, FEED_SIZE, SEARCH_PARAMS, Param

_NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS: dict[str, dict] = {
    "SearchResult": {
        "type": "object",
        "description": "The same object as `bulletins search --json`. A bulletin matches when it holds every "
                       "query word (in any inflection, or inside a longer compound); a related result holds only "
                       "some of them, or (by relevance) none but words the best matches share. `total` and the "
                       "facets count matches only. The hits are matches in the requested order; by relevance, "
                       "related results follow them on the last page of matches. When nothing matches, the hits "
                       "are related results.",
        "required": ["query", "total", "related_total", "page", "page_size", "sort", "hits", "facets",
                     "suggestion", "searched", "corrections", "seconds"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0, "description": "Bulletins that match the query."},
            "related_total": {"type": "integer", "minimum": 0,
                              "description": "Related results: bulletins that hold only some of the query words, "
                                             "or (by relevance only) words the best matches share. A date "
                                             "order lists none of them."},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
            "sort": {"type": "string", "enum": list(SORTS)},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {"type": "object", "description": "Matches per year (newest first), deciding body and kind "
                                                        "(most first), e.g. {\"year\": {\"2024\": 3}, \"organ\": "
                                                        "{\"Kaupunginhallitus\": 2}, \"kind\": {\"decision\": 3}}.",
                       "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}}},
            "suggestion": {**_NULLABLE_STRING, "description": "A spelling that finds more (did you mean)."},
            "searched": {**_NULLABLE_STRING, "description": "The query the hits are for when the search changed "
                                                            "it (see corrections); null when it searched `query`."},
            "corrections": {"type": "array", "items": {"type": "string", "enum": list(CORRECTIONS)},
                            "description": "How the search changed the query, unless verbatim: quote (an unpaired "
                                           "quote mark was dropped), spelling (nothing matched, so the suggestion "
                                           "was searched)."},
            "seconds": {"type": "number", "description": "Time the search took."},
        },
    },
    "Hit": {
        "type": "object",
        "required": ["id", "title", "title_html", "date", "score", "related", "snippet", "organ", "kind", "case",
                     "classification", "url", "lang"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "title_html": {"type": "string", "description": "The title as escaped HTML, the words the snippet "
                                                            "would mark in <mark>."},
            "date": {"type": "string", "description": "YYYY-MM or YYYY-MM-DD."},
            "score": {"type": "number"},
            "related": {"type": "boolean", "description": "False for a match; true for a related result, which "
                                                          "holds only some of the query words, or words the best "
                                                          "matches share."},
            "snippet": {"type": "string", "description": "Escaped HTML; the matched words are in <mark>."},
            "organ": {**_NULLABLE_STRING, "description": "The deciding body, when known."},
            "kind": {**_NULLABLE_STRING, "description": "decision, agenda_item, announcement (a päätöstiedote), "
                                                        "or a source's own word; null when not known."},
            "case": {**_NULLABLE_STRING, "description": "The diary number, e.g. HEL 2021-009631."},
            "classification": {**_NULLABLE_STRING, "description": "The subject class, e.g. Kilpailutus."},
            "url": {**_NULLABLE_STRING, "description": "The original bulletin, when known."},
            "lang": {**_NULLABLE_STRING, "description": "The bulletin's language when its source gives it (fi, sv); "
                                                        "otherwise it is Finnish."},
            "matches": {"type": "array", "description": "With explain=true: why the hit came up.",
                        "items": {"$ref": "#/components/schemas/Match"}},
        },
    },
    "Match": {
        "type": "object",
        "required": ["query_word", "bulletin_word", "how"],
        "additionalProperties": False,
        "properties": {"query_word": {"type": "string"}, "bulletin_word": {"type": "string"},
                       "how": {"type": "string", "enum": list(HOWS),
                               "description": "exact: as written; lemma: another inflection; compound: inside a "
                                              "longer compound; part: one part of a compound query word (related "
                                              "results only)."}},
    },
    "Bulletin": {
        "type": "object",
        "required": ["id", "title", "date", "organ", "kind", "case", "classification", "section", "url", "lang",
                     "source", "body"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "title_html": {"type": "string", "description": "The title as escaped HTML, the words the snippet "
                                                            "would mark in <mark>."},
            "date": {"type": "string", "description": "YYYY-MM or YYYY-MM-DD."},
            "organ": {**_NULLABLE_STRING, "description": "The deciding body or official."},
            "kind": {**_NULLABLE_STRING, "description": "decision, agenda_item, announcement (a päätöstiedote), "
                                                        "or the source's own word."},
            "case": {**_NULLABLE_STRING, "description": "The diary number, e.g. HEL 2021-009631."},
            "classification": {**_NULLABLE_STRING, "description": "The subject class, e.g. Kilpailutus."},
            "section": {**_NULLABLE_STRING, "description": "The number of its § in the minutes."},
            "url": _NULLABLE_STRING,
            "lang": {**_NULLABLE_STRING, "description": "The bulletin's language when its source gives it (fi, sv)."},
            "source": {"type": "string", "description": "Where in the corpus it was read: file:line, or "
                                                        "file: entry N in an API response."},
            "body": {"type": "string", "description": "The whole text, plain: paragraphs apart by a blank line; "
                                                      "a paragraph of one line beginning with ## to ###### and a "
                                                      "space is a heading."},
        },
    },
    "Completions": {
        "type": "object",
        "required": ["query", "completions"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string", "description": "The text that was completed."},
            "completions": {"type": "array", "description": "Most bulletins first.",
                            "items": {"$ref": "#/components/schemas/Completion"}},
        },
    },
    "Completion": {
        "type": "object",
        "required": ["query", "word", "bulletins"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string", "description": "The whole query with its last word completed."},
            "word": {"type": "string", "description": "The completed word in its base form "
                                                      "(kaupunginhallituksen → kaupunginhallitus), or a name."},
            "bulletins": {"type": "integer", "minimum": 0,
                          "description": "How many bulletins hold the word (in any inflection) or the name."},
        },
    },
    "Health": {
        "type": "object", "required": ["status"], "additionalProperties": False,
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "message": {"type": "string", "description": "Why the index cannot be searched."},
            "shard": {"type": "string", "description": "The shard of a sharded (Xapian) index that cannot be reached."},
            "watcher": {"$ref": "#/components/schemas/Watcher"},
        },
    },
    "Watcher": {
        "type": "object", "required": ["state", "updated", "last_error"], "additionalProperties": False,
        "description": "With `bulletins serve --watch`: how keeping the index current goes.",
        "properties": {
            "state": {"type": "string", "enum": ["starting", "updating", "watching", "failing", "stopped"],
                      "description": "`failing`: the last update failed; the index is as it was, and the next "
                                     "change in the corpus tries again."},
            "updated": {"type": ["string", "null"], "description": "When an update last succeeded (ISO 8601)."},
            "last_error": {"type": ["object", "null"], "required": ["message", "at"], "additionalProperties": False,
                           "properties": {"message": {"type": "string"}, "at": {"type": "string"}}},
        },
    },
    "Error": {
        "type": "object", "required": ["status", "message"], "additionalProperties": False,
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                       "param": {"type": "string", "description": "The parameter at fault."}},
    },
}


def _json(schema: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


_BAD = _json("Error", "A parameter cannot be used, is not one of this path's, or is given more than once; "
                      "`param` names it.")
_NO_INDEX = _json("Error", "There is no index yet, or a shard of a sharded index cannot be reached (the message names it).")
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "description": "Bulletin id."}


def search_parameters(params: tuple[Param, ...] = SEARCH_PARAMS, page_size: int = DEFAULT_PAGE_SIZE) -> list[dict]:
    """The search parameters `params` as OpenAPI parameter objects."""
    return [{"name": p.name, "in": "query", "required": p.name == "q", "description": p.description,
             "schema": {**p.schema, "default": page_size} if p.name == "size" else p.schema}
            for p in params]


def document() -> dict:
    """The OpenAPI document served at /api/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "bulletin-search", "version": "1",
                 "description": "Finnish-aware full-text search over city bulletins: any inflected form of "
                                "a word finds the others, and compound words are found by their parts."},
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Search the bulletins",
                "parameters": search_parameters(),
                "responses": {"200": _json("SearchResult", "One page of hits."), "400": _BAD, "503": _NO_INDEX}}},
            "/api/suggest": {"get": {
                "operationId": "suggest", "summary": "Complete a query as it is typed",
                "parameters": [{"name": p.name, "in": "query", "required": False, "description": p.description,
                                "schema": p.schema} for p in COMPLETION_PARAMS],
                "responses": {"200": {"description": "The completions; with format=opensearch the array "
                                                     "[query, [completed queries]].",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Completions"}},
                                                  "application/x-suggestions+json": {"schema": {"type": "array"}}}},
                              "400": _BAD, "503": _NO_INDEX}}},
            "/api/bulletins/{id}": {"get": {
                "operationId": "bulletin", "summary": "One whole bulletin", "parameters": [_ID],
                "responses": {"200": _json("Bulletin", "The bulletin."),
                              "404": _json("Error", "No bulletin has this id."), "503": _NO_INDEX}}},
            "/api/health": {"get": {
                "operationId": "health", "summary": "Whether the index can be searched",
                "responses": {"200": _json("Health", "Ready."),
                              "503": _json("Health", "There is no index yet, or a shard cannot be reached.")}}},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/search.atom": {"get": {
                "operationId": "feed", "summary": f"The {FEED_SIZE} newest bulletins matching a search (matches only), as Atom",
                "parameters": search_parameters(FEED_PARAMS, page_size=FEED_SIZE),
                "responses": {"200": {"description": "Atom feed, newest first.",
                                      "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                              "400": _BAD, "503": _NO_INDEX}}},
        },
        "components": {"schemas": SCHEMAS},
    }
