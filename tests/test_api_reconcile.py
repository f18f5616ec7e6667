"""`/reconcile/{dataset}`, the W3C Reconciliation Service API v0.2, on SQLite and PostgreSQL,
against a real OpenSanctions cluster (the ZALA drone maker's network) imported as a list: every
response is validated against the specification's own JSON schemas (tests/data/reconciliation,
copied from reconciliation-api/specs), and so is every batch the tests send."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT7
from schemathesis.specs.openapi.definitions import SWAGGER_20

from diversion.lists.snapshots import ListStore
from diversion.service.reconcile import BATCH_SIZE
from diversion.store import Store
from tests.conftest import SHARED
from tests.test_api import Api

ZALA = SHARED / "lists" / "ftm" / "zala.entities.ftm.json"
SCHEMAS = SHARED / "reconciliation"
KALASHNIKOV = "NK-nR5AXM9AVPq4pQaSPSaVam"  # JSC Kalashnikov Concern, INN 1832090230
NIKITA = "NK-JseaPJctnK9o8wrmz8xmoT"  # Nikita Aleksandrovich Zakharov, born 1986-10-27
ZALA_AERO = "NK-cPks3aTbes8k4aCerfBAzN"  # Акціонерне товариство "Зала Аеро"
CST = "NK-abdzbEBkqyT29GyREbiURZ"  # LLC CST, also "ЗАЛА АЭРО"


def _registry() -> Registry[Any]:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text("utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, DRAFT7)))
    swagger = Resource.from_contents(SWAGGER_20, default_specification=DRAFT4)
    resources.append(("http://swagger.io/v2/schema.json", swagger))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validator(name: str) -> Draft7Validator:
    """The specification's schema `name`, its references resolved from the copies here (the
    spec's own checks run ajv, whose default is draft 7)."""
    schema = json.loads((SCHEMAS / name).read_text("utf-8"))
    return Draft7Validator(schema, registry=REGISTRY)


MANIFEST = validator("manifest.json")
QUERIES = validator("reconciliation-query-batch.json")
RESULTS = validator("reconciliation-result-batch.json")
SUGGEST = {
    kind: validator(f"suggest-{kind}-response.json") for kind in ("entities", "properties", "types")
}


class Reconcile(Api):
    def key(self, who: str) -> dict[str, str]:
        return {"api_key": self.tokens[who]}

    def batch(self, queries: dict[str, Any], **params: Any) -> Any:
        QUERIES.validate(queries)  # what OpenRefine would send
        return self.client.post(
            "/reconcile/zala",
            data={"queries": json.dumps(queries, ensure_ascii=False)},
            params={**self.key("vic"), **params},
        )


@pytest.fixture
def api(any_store: Store, tmp_path: Path) -> Reconcile:
    ListStore(any_store).import_files("ftm", [ZALA], "zala")
    return Reconcile(any_store, tmp_path / "home")


def test_the_schemas_refuse_what_the_specification_refuses() -> None:
    """The validation bites: a manifest without versions, a candidate without a score and a
    query with neither a query string nor properties are each refused."""
    with pytest.raises(ValidationError, match="versions"):
        MANIFEST.validate({"name": "x", "identifierSpace": "x", "schemaSpace": "x"})
    with pytest.raises(ValidationError, match="score"):
        RESULTS.validate({"q0": {"result": [{"id": "x", "name": "x"}]}})
    with pytest.raises(ValidationError):
        QUERIES.validate({"q0": {"type": "Person"}})
    with pytest.raises(ValidationError):  # authentication as the Swagger 2.0 schema has it
        MANIFEST.validate(
            {"versions": ["0.2"], "name": "x", "identifierSpace": "x", "schemaSpace": "x",
             "authentication": {"type": "apiKey", "in": "cookie", "name": "k"}}
        )  # fmt: skip


def test_the_manifest_needs_no_token_and_names_the_lists_types(api: Reconcile) -> None:
    response = api.client.get("/reconcile/zala")
    assert response.status_code == 200
    manifest = response.json()
    MANIFEST.validate(manifest)
    assert manifest["versions"] == ["0.2"] and manifest["batchSize"] == BATCH_SIZE
    types = [t["id"] for t in manifest["defaultTypes"]]
    assert {"Person", "Company"} <= set(types) and "Sanction" not in types
    assert manifest["authentication"] == {"type": "apiKey", "name": "api_key", "in": "query"}
    base = manifest["suggest"]["entity"]["service_url"]
    assert base.endswith("/reconcile/zala")
    assert "api_key" not in manifest["suggest"]["entity"]["service_path"]
    # the key the manifest was asked with goes into the URLs the browser calls
    keyed = api.client.get("/reconcile/zala", params=api.key("vic")).json()
    MANIFEST.validate(keyed)
    assert keyed["suggest"]["type"]["service_path"] == f"/suggest/type?api_key={api.tokens['vic']}"
    assert keyed["preview"]["url"].endswith(f"/preview?id={{{{id}}}}&api_key={api.tokens['vic']}")
    assert api.client.get("/reconcile/no-such-list").status_code == 404


def test_a_batch_with_types_and_properties_finds_the_listed_parties(api: Reconcile) -> None:
    queries = {
        "q0": {"query": "Kalashnikov Concern", "type": "Company",
               "properties": [{"pid": "country", "v": "Russia"}]},
        "q1": {"query": "Nikita Zakharov", "type": "Person",
               "properties": [{"pid": "Person:birthDate", "v": "1986-10-27"},
                              {"pid": "nationality", "v": "RU"}]},
        "q2": {"type": "Company", "properties": [{"pid": "innCode", "v": 1832090230}]},
        "q3": {"query": "Completely Unrelated Bakery", "type": ["Company", "Organization"]},
        "q4": {"query": "ЗАЛА АЕРО", "limit": 2},
    }  # fmt: skip
    response = api.batch(queries)
    assert response.status_code == 200, response.text
    answers = response.json()
    RESULTS.validate(answers)
    assert set(answers) == set(queries)
    kalashnikov = answers["q0"]["result"][0]
    assert kalashnikov["id"] == KALASHNIKOV and kalashnikov["match"] is True
    assert kalashnikov["type"] == [{"id": "Company", "name": "Company"}]
    assert "RU" in kalashnikov["description"] and kalashnikov["score"] >= 0.9
    features = {f["id"]: f["value"] for f in kalashnikov["features"]}
    assert features.get("country") == 1.0
    nikita = answers["q1"]["result"][0]
    assert nikita["id"] == NIKITA and nikita["match"] is True
    assert {f["id"]: f["value"] for f in nikita["features"]}.get("birth_date") == 1.0
    assert answers["q2"]["result"][0]["id"] == KALASHNIKOV  # by identifier alone
    assert all(not c["match"] for c in answers["q3"]["result"])
    zala = answers["q4"]["result"]  # in Cyrillic; CST was once called ZALA AERO too
    assert len(zala) == 2 and ZALA_AERO in {c["id"] for c in zala} and zala[0]["match"] is True
    scores = [c["score"] for c in answers["q0"]["result"]]
    assert scores == sorted(scores, reverse=True)


def test_a_birth_date_that_differs_counts_against(api: Reconcile) -> None:
    def best(born: str) -> dict[str, Any]:
        query = {"query": "Nikita Zakharov", "type": "Person",
                 "properties": [{"pid": "birthDate", "v": born}]}  # fmt: skip
        answer = api.batch({"q": query}).json()
        RESULTS.validate(answer)
        found: dict[str, Any] = next(c for c in answer["q"]["result"] if c["id"] == NIKITA)
        return found

    same, other = best("1986-10-27"), best("1951-02-03")
    assert same["score"] > other["score"]
    assert {f["id"]: f["value"] for f in other["features"]}["birth_date"] == 0.0


def test_queries_by_get_and_the_tokens_they_take(api: Reconcile) -> None:
    queries = json.dumps({"q0": {"query": "Kalashnikov Concern"}})
    assert api.client.get("/reconcile/zala", params={"queries": queries}).status_code == 401
    by_key = api.client.get("/reconcile/zala", params={"queries": queries, **api.key("vic")})
    assert by_key.status_code == 200
    RESULTS.validate(by_key.json())
    assert by_key.json()["q0"]["result"][0]["id"] == KALASHNIKOV
    by_header = api.call("vic", "GET", "/reconcile/zala", params={"queries": queries})
    assert by_header.json() == by_key.json()
    wrong = api.client.get("/reconcile/zala", params={"queries": queries, "api_key": "dvn_x"})
    assert wrong.status_code == 401
    posted = api.client.post("/reconcile/zala", data={"queries": queries})
    assert posted.status_code == 401  # a POST without a token gets nothing either
    for path in ("/suggest/entity", "/suggest/type", "/suggest/property", "/preview?id=x"):
        assert api.client.get(f"/reconcile/zala{path}").status_code == 401, path


@pytest.mark.parametrize(
    ("queries", "status", "says"),
    [
        ("{not json", 400, "not JSON"),
        ('["q0"]', 400, "object of queries"),
        ('{"q0": {"query": "x", "type": "Spaceship"}}', 400, "Spaceship"),
        ('{"q0": {"query": "x", "type": "Sanction"}}', 400, "Sanction"),
        ('{"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}', 400, "colour"),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "country", "v": "Atlantis"}]}}',
            400,
            "Atlantis",
        ),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "birthDate", "v": "7 May"}]}}',
            400,
            "7 May",
        ),
        ('{"q0": {"type": "Person"}}', 400, "query string or properties"),
        ('{"q0": {"query": "x", "colour": "red"}}', 400, "colour"),
        ('{"q0": {"properties": [{"pid": "country", "v": "kz"}]}}', 400, "name"),
        (json.dumps({f"q{i}": {"query": "x"} for i in range(BATCH_SIZE + 1)}), 413, "at most"),
    ],
)
def test_a_batch_it_cannot_read_is_refused_with_the_reason(
    api: Reconcile, queries: str, status: int, says: str
) -> None:
    response = api.client.post("/reconcile/zala", data={"queries": queries}, params=api.key("vic"))
    assert response.status_code == status and says in response.json()["detail"]


def test_what_it_does_not_offer_is_refused(api: Reconcile) -> None:
    key = api.key("vic")
    extend = api.client.post("/reconcile/zala", data={"extend": "{}"}, params=key)
    assert extend.status_code == 400 and "extension" in extend.json()["detail"]
    assert api.client.post("/reconcile/zala", params=key).status_code == 400
    jsonp = api.client.get("/reconcile/zala", params={"callback": "f"})
    assert jsonp.status_code == 400 and "JSONP" in jsonp.json()["detail"]
    missing = api.client.post("/reconcile/nope", data={"queries": "{}"}, params=key)
    assert missing.status_code == 404


def test_suggest_entities_types_and_properties(api: Reconcile) -> None:
    def suggest(kind: str, **params: Any) -> list[dict[str, Any]]:
        response = api.client.get(
            f"/reconcile/zala/suggest/{kind}", params={**params, **api.key("vic")}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        SUGGEST[{"entity": "entities", "type": "types", "property": "properties"}[kind]].validate(
            body
        )
        found: list[dict[str, Any]] = body["result"]
        return found

    kalashnikov = suggest("entity", prefix="kalashn")
    assert kalashnikov[0]["id"] == KALASHNIKOV
    assert kalashnikov[0]["notable"] == [{"id": "Company", "name": "Company"}]
    # both have a name that starts with it ("Зала Аеро", "Зала Аэро"), in Cyrillic
    assert {e["id"] for e in suggest("entity", prefix="Зала", limit=2)} == {ZALA_AERO, CST}
    assert suggest("entity", prefix=NIKITA)[0]["id"] == NIKITA  # an id
    zakharovs = suggest("entity", prefix="zakharov", limit=3)
    assert len(zakharovs) == 3
    assert suggest("entity", prefix="zakharov", cursor=1, limit=2) == zakharovs[1:]
    assert [t["id"] for t in suggest("type", prefix="pers")] == ["Person"]
    assert {t["id"] for t in suggest("type")} >= {"Person", "Company"}
    assert [p["id"] for p in suggest("property", prefix="birth")] == ["birthDate"]
    inn = suggest("property", prefix="inn")
    assert [p["id"] for p in inn] == ["innCode"] and "identifier" in inn[0]["description"]


def test_the_preview_is_a_small_page_with_no_script(api: Reconcile) -> None:
    response = api.client.get(
        "/reconcile/zala/preview", params={"id": KALASHNIKOV, **api.key("vic")}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Kalashnikov Concern" in page and "1832090230" in page and "<script" not in page
    assert "default-src 'none'" in response.headers["content-security-policy"]
    missing = api.client.get("/reconcile/zala/preview", params={"id": "nope", **api.key("vic")})
    assert missing.status_code == 404


def test_cross_origin_reads_are_allowed_on_the_reconciliation_paths_only(api: Reconcile) -> None:
    origin = {"Origin": "http://127.0.0.1:3333"}
    manifest = api.client.get("/reconcile/zala", headers=origin)
    assert manifest.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in manifest.headers
    preflight = api.client.options(
        "/reconcile/zala",
        headers={**origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization"},
    )  # fmt: skip
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    refused = api.client.get("/reconcile/zala/suggest/type", headers=origin)
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == "*"
    bearer = {"Authorization": f"Bearer {api.tokens['vic']}"}
    other = api.client.get("/lists", headers={**origin, **bearer})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
