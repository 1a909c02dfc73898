"""open311/openapi.yaml says what the JSON calls answer; the fuzzing pass trusts it, so real
answers of every call, successes and failures, are checked against it here."""

from pathlib import Path

import jsonschema
import pytest
import yaml

from wenming.demands import services as demands
from wenming.demands.models import Demand

from .conftest import post_data

pytestmark = pytest.mark.django_db

DOC = yaml.safe_load((Path(__file__).resolve().parents[1] / "openapi.yaml").read_text(encoding="utf-8"))


def schema_of(path: str, method: str, status: int) -> dict:
    responses = DOC["paths"][path][method]["responses"]
    answer = responses.get(str(status), responses["default"])
    if "$ref" in answer:
        answer = DOC["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    # the document's components travel with the schema so that its $refs resolve
    return {**answer["content"]["application/json"]["schema"], "components": DOC["components"]}


def conforms(answer, path: str, method: str = "get") -> None:
    jsonschema.Draft202012Validator(schema_of(path, method, answer.status)).validate(answer.data)


def test_every_call_answers_as_described(o3, call):
    w = o3
    conforms(call("get", "discovery"), "/discovery.json")
    conforms(call("get", "services"), "/services.json")
    conforms(call("get", f"services/{w.order_code}"), "/services/{service_code}.json")
    conforms(call("get", f"services/{w.demand_code}"), "/services/{service_code}.json")

    filed = call("post", "requests", "json", post_data(w))
    assert filed.status == 201
    conforms(filed, "/requests.json", "post")
    demand = call("post", "requests", "json", post_data(w, service_code=w.demand_code, phone=None))
    conforms(demand, "/requests.json", "post")
    number = demand.data[0]["service_request_id"]
    pk = Demand.objects.get(number=number).pk
    demands.demand_accept(demand_id=pk, actor=w.station_admin)
    demands.demand_assign(demand_id=pk, actor=w.station_admin, departments=[w.dept.pk])

    listed = call("get", "requests")
    assert len(listed.data) == 2
    conforms(listed, "/requests.json")
    conforms(call("get", f"requests/{number}"), "/requests/{service_request_id}.json")
    updates = call("get", "servicerequestupdates")
    assert updates.data
    conforms(updates, "/servicerequestupdates.json")


@pytest.mark.parametrize("method, path, described, params, status", [
    ("get", "services/order-999999", "/services/{service_code}.json", {}, 404),
    ("get", "services", "/services.json", {"jurisdiction_id": "elsewhere.gov.cn"}, 404),
    ("get", "requests", "/requests.json", {"page": "²"}, 400),
    ("get", "requests", "/requests.json", {"start_date": "9999-12-31"}, 400),
    ("get", "requests/NOPE", "/requests/{service_request_id}.json", {}, 404),
    ("post", "requests", "/requests.json", {"service_code": "demand-1"}, 403),
])
def test_failures_answer_in_the_described_error_format(o3, call, method, path, described, params, status):
    answer = call(method, path, "json", params)
    assert answer.status == status
    conforms(answer, described, method)


def test_the_description_rejects_what_the_answers_must_not_be():
    # a request row with an empty optional field (the Open311 feed's old fault) fails the schema
    schema = schema_of("/requests.json", "get", 200)
    row = {"service_request_id": "D1", "status": "open"}
    jsonschema.Draft202012Validator(schema).validate([row])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate([{**row, "lat": ""}])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate([{**row, "status": "pending"}])
