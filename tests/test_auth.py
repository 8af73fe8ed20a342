"""API-key auth on every /v1 route, compared in constant time (in-process app, real pipeline)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from qa.ui.api import create_api

from qa.pipeline import Pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(article_index, embedder):
    settings = article_index.override(api_key="s3cret", generator="extractive")
    return TestClient(create_api(Pipeline.open(settings, embedder=embedder)))


@pytest.mark.parametrize(("method", "path"), [("get", "/v1/documents"), ("get", "/v1/models"),
                                              ("post", "/v1/search"), ("post", "/v1/ask"),
                                              ("post", "/v1/chat/completions"), ("delete", "/v1/documents/x")])
def test_every_v1_route_needs_the_key(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
    wrong = getattr(client, method)(path, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_right_key_passes_and_health_is_open(client):
    ok = client.post("/v1/search", json={"query": "Camp David"}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and ok.json()
    assert client.get("/healthz").status_code == 200
