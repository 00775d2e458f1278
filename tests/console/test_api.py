def test_api_health_and_openapi_document(client, db):
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Topping Console API"
    assert "/api/v1/health" in document["paths"]


def test_api_docs_page_loads_assets_locally(client, db):
    body = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in body.lower()
