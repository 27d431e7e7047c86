"""The OpenAPI document matches the API: the same routes, the parameters they read, the shapes they return,
on every backend."""

from __future__ import annotations

import calendar
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import copy_seeds

SEED_2020 = "000_d69fc6f4f0811f96"
_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict,
          "null": type(None)}


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_seeds(tmp_path_factory.mktemp("openapi") / "corpus")




@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def document(client: FlaskClient) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(value: object, schema: dict, document: dict, where: str = "$") -> None:
    """Assert that `value` fits `schema` (the subset of JSON Schema the document uses)."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    types = schema.get("type")
    if types:
        names = types if isinstance(types, list) else [types]
        fits = any(isinstance(value, _TYPES[name]) and not (isinstance(value, bool) and name in ("integer", "number"))
                   for name in names)
        assert fits, f"{where}: {value!r} is not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        missing = set(schema.get("required", ())) - set(value)
        assert not missing, f"{where}: missing {missing}"
        for key, item in value.items():
            if key in schema.get("properties", {}):
                check(item, schema["properties"][key], document, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                raise AssertionError(f"{where}: undocumented property {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                check(item, schema["additionalProperties"], document, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for number, item in enumerate(value):
            check(item, schema["items"], document, f"{where}[{number}]")


def shape(path: str) -> str:
    """A route or OpenAPI path with its variables blanked: `/api/bulletins/{}`."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_document_describes_every_machine_route_and_no_other(app, document):
    routes = {shape(rule.rule): {method.lower() for method in rule.methods - {"HEAD", "OPTIONS"}}
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/") or rule.rule.endswith(".atom")}
    assert {shape(path): set(operations) for path, operations in document["paths"].items()} == routes


def test_every_documented_search_parameter_is_read_and_checked(client, document):
    parameters = document["paths"]["/api/search"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == ["q", "from", "to", "year", "organ", "kind", "classification", "sort", "page",
                                              "size", "explain", "verbatim", "lang"]
    for parameter in parameters:
        schema, name = parameter["schema"], parameter["name"]
        for good in examples(schema):
            response = client.get("/api/search", query_string={"q": "kokeiluja", name: good})
            assert response.status_code == 200, (name, good, response.get_json())
        for bad in counterexamples(schema):
            response = client.get("/api/search", query_string={"q": "kokeiluja", name: bad})
            assert response.status_code == 400 and response.get_json()["param"] == name, (name, bad)


def examples(schema: dict) -> list[str]:
    if "examples" in schema:
        return schema["examples"]
    if "enum" in schema:
        return [str(value) for value in schema["enum"]]
    if schema["type"] == "integer":
        return [str(schema["minimum"]), str(schema["maximum"])]
    if schema["type"] == "boolean":
        return ["true", "false"]
    if "pattern" in schema:
        return ["2020", "2020-11", "2020-11-23", "11/2020", "23.11.2020", "23,11,2020"]
    return ["kokeilu"]


def counterexamples(schema: dict) -> list[str]:
    if schema == {"type": "string", "examples": ["fi", "en"]}:
        return []  # any language is taken: an unknown one falls back to Accept-Language
    if "enum" in schema:
        return ["other"]
    if schema["type"] == "integer":
        return [str(schema["minimum"] - 1), str(schema["maximum"] + 1), "x"]
    if schema["type"] == "boolean":
        return ["maybe"]
    if "pattern" in schema:
        return ["2020-13", "32.11.2020", "11/20"]
    return ["x" * (schema["maxLength"] + 1)]


@pytest.mark.parametrize(("url", "status"), [
    ("/api/search?q=kokeiluja&explain=true", 200),
    ("/api/search?q=kokeiluja+elinkeinojaosto&sort=newest&size=1", 200),
    (f"/api/bulletins/{SEED_2020}", 200),
    ("/api/health", 200),
    ("/api/search?q=kokeiluja&page=0", 400),
    ("/api/bulletins/ei-ole", 404),
])
def test_responses_fit_their_documented_schema(client, document, url, status):
    response = client.get(url)
    assert response.status_code == status
    path = next(p for p in document["paths"] if re.fullmatch(shape(p).replace("{}", "[^/]+"), url.split("?")[0]))
    documented = document["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"]["schema"]
    check(response.get_json(), documented, document)


def test_feed_is_documented_as_atom(client, document):
    content = document["paths"]["/search.atom"]["get"]["responses"]["200"]["content"]
    assert client.get("/search.atom?q=kokeiluja").mimetype in content


def day_in_its_month(value: str) -> bool:
    """Whether the day of YYYY-MM-DD or D.M.YYYY (if any) is in its month: what a pattern cannot say, and
    so the one reason the server may refuse a date that its pattern matches (2021-02-29, 31.4.2020)."""
    if "-" in value or value.isdigit():
        year, month, day = ([int(part) for part in value.split("-")] + [1, 1])[:3]
    else:  # 23.11.2020, 11/2020, 23,11,2020
        *day_month, year = [int(part) for part in re.split(r"[./,]", value)]
        day, month = ([1] + day_month)[-2:]
    return day <= (29 if month == 2 and calendar.isleap(year) else DAYS_IN_MONTH[month - 1])


DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# Strings shaped like dates (digits of several scripts, odd lengths, stray characters) and any text.
DATE_LIKE = (st.from_regex(r"\A[0-9０-９٠-٩]{0,5}(-[0-9]{0,3}(-[0-9]{0,3})?)?[ \n]?\Z") | st.text(max_size=12)
             | st.from_regex(r"\A([0-9]{0,3}[.,])?[0-9]{0,3}[./,][0-9０-９]{0,5}[ \n]?\Z")
             | st.sampled_from(["0000", "0001", "9999-12-31", "2020-00", "2020-13", "2020-2-29", "2021-02-29", "",
                                "31.4.2020", "29.2.2020", "13/2020", "1/0000", "23,11,2020", "1.1/2020",
                                "1,1.2020"]))


@given(value=DATE_LIKE)
@example(value="1.1/0001")  # found by Hypothesis in CI: the pattern took a dot and then a slash, the server not
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_dates_are_taken_exactly_when_their_documented_pattern_matches_a_calendar_day(client, document, value):
    parameter = next(p for p in document["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "from")
    matches = re.search(parameter["schema"]["pattern"], value) and "\n" not in value  # ECMA's $ ends the text
    response = client.get("/api/search", query_string={"q": "kokeiluja", "from": value})
    assert response.status_code == (200 if matches and (not value or day_in_its_month(value)) else 400), value


@given(value=st.from_regex(r"\A[0-9０-９+ -]{0,6}\Z") | st.integers(-10, 12000).map(str))
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_years_are_taken_exactly_in_their_documented_range(client, document, value):
    parameter = next(p for p in document["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "year")
    schema = parameter["schema"]
    valid = re.fullmatch(r"[1-9][0-9]*", value) and schema["minimum"] <= int(value) <= schema["maximum"]
    response = client.get("/api/search", query_string={"q": "kokeiluja", "year": value})
    assert response.status_code == (200 if valid else 400), value
