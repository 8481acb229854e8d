"""The OpenAPI schema documents every endpoint of the contract."""

import pytest

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/v1/contests": {"get"},
    "/api/v1/contests/{slug}": {"get"},
    "/api/v1/contests/{slug}/entries": {"get", "post"},
    "/api/v1/contests/{slug}/winners": {"get", "post"},
    "/api/v1/entries/{entry_id}": {"get"},
    "/api/v1/entries/{entry_id}/vote": {"post", "delete"},
    "/api/v1/moderation/queue": {"get"},
    "/api/v1/moderation/items/{item_id}/approve": {"post"},
    "/api/v1/moderation/items/{item_id}/reject": {"post"},
}


def test_openapi_schema_lists_every_endpoint_and_method(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert schema["info"]["title"] == "Cocreo API"
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path, methods in EXPECTED.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))


def test_openapi_schema_documents_auth_errors_and_the_upload(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    submit = paths["/api/v1/contests/{slug}/entries"]["post"]
    # Session (cookie) auth is declared on writes, not on public reads.
    assert submit.get("security")
    assert not paths["/api/v1/contests"]["get"].get("security")
    assert {"201", "400", "403", "409"} <= set(submit["responses"])
    form = submit["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"title", "image"} <= set(form["properties"])
    vote = paths["/api/v1/entries/{entry_id}/vote"]["post"]
    assert {"200", "403", "409"} <= set(vote["responses"])
    reject = paths["/api/v1/moderation/items/{item_id}/reject"]["post"]
    ref = reject["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    reject_in = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert "reason" in reject_in["properties"]
