"""The OpenAPI description and its docs page, served without any outside network."""


def test_openapi_lists_the_endpoints(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/workdays/due" in spec["paths"]
    assert "/api/v1/identity/check" in spec["paths"]


def test_operation_ids_stay_as_published_when_a_router_moves(client, db):
    # The cases, identity and workdays routers moved from onestop.api into their apps; clients
    # generate code from the operation ids, so the ids keep the names they were published with.
    spec = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    assert {
        "onestop_api_cases_submit",
        "onestop_api_cases_claim",
        "onestop_api_identity_check",
        "onestop_api_workdays_due",
    } <= ids
    assert not {
        i
        for i in ids
        if i.startswith(("onestop_cases_api_", "onestop_org_api_", "onestop_workdays_api_"))
    }
    assert len(ids) == sum(len(ops) for ops in spec["paths"].values())


def test_docs_page_uses_local_static_files(client, db):
    body = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert "cdn." not in body
    assert "/static/ninja/" in body


def test_bad_input_is_explained_in_chinese(client, db):
    cases = [
        ({"start": "2026-13-01", "days": "5"}, "start", "日期格式应为 YYYY-MM-DD"),
        ({"start": "2026-01-01", "days": "-1"}, "days", "不能小于 0"),
        ({"start": "2026-01-01", "days": "五"}, "days", "应为整数"),
        ({"days": "5"}, "start", "缺少此参数"),
    ]
    for params, field, message in cases:
        response = client.get("/api/v1/workdays/due", params)
        assert response.status_code == 422
        body = response.json()
        assert (body["code"], body["field"]) == ("invalid", field)
        assert message in body["message"], body


def test_the_document_names_each_response_once(client, db):
    """Swagger UI refuses a document in which a key stands twice (a numeric 401 from ninja and
    a textual "401" from the common errors both serialise to "401")."""
    import json

    def no_repeats(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"repeated keys: {keys}"
        return dict(pairs)

    doc = json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_repeats)
    codes = {c for path in doc["paths"].values() for op in path.values() for c in op["responses"]}
    assert {"401", "404", "422"} <= codes
