"""Schemathesis against /api/openapi.json: requests generated from the document, valid and invalid,
sent to the real app over the seeds, on Whoosh and on Xapian. Every response must agree with the
document: no 5xx, and documented status codes, content types, headers and shapes, invalid data
rejected, an undeclared method answered 405 with Allow (Schemathesis's default checks).

All but one: a request the document allows may still be a bad search (an unbalanced quote, a word
of only digits and stopwords, 2021-02-30, `from` after `to`), which the API answers with its
documented 400, so "valid data must be accepted" cannot hold for a query language. What a parameter's
schema can say, it says; tests/test_web_openapi.py checks that the server reads dates and years
exactly as their documented patterns and ranges describe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from search.web import create_app

from conftest import copy_seeds

# Requests per operation; SCHEMATHESIS_EXAMPLES=2000 for a longer run (`pytest --hypothesis-seed` replays one).
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", 100))

# The document as the app serves it (serving it reads no index). Loaded when the tests are collected:
# Schemathesis's fixture-based loading does not work with this pytest.
DOCUMENT = create_app({"TESTING": True}).test_client().get("/api/openapi.json").get_json()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module", params=["whoosh", "xapian-remote"])
def backend(request: pytest.FixtureRequest) -> str:
    """Whoosh, and Xapian through the whole stack (shards served over TCP): what the API answers does not
    depend on where the shards are, and each backend's run takes seconds."""
    return request.param


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_seeds(tmp_path_factory.mktemp("openapi") / "corpus")




@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])
def test_the_api_agrees_with_its_openapi_document(case: schemathesis.Case, app: Flask) -> None:
    case.call_and_validate(app=app, excluded_checks=[positive_data_acceptance])
