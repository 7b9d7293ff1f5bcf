"""The OpenAPI description and its docs page, served without any outside network."""


def test_openapi_lists_the_endpoints(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/workdays/due" in spec["paths"]
    assert "/api/v1/identity/check" in spec["paths"]


def test_docs_page_uses_local_static_files(client, db):
    body = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert "cdn." not in body
    assert "/static/ninja/" in body
