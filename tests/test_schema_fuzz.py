"""Schemathesis against the app's own OpenAPI schema: no 5xx, and responses match the schema."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from qa.ui.api import create_api

from qa.pipeline import Pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(article_index, embedder, tmp_path_factory):
    """The real API over a private copy of the article index (uploads and deletes stay there)."""
    index_dir = tmp_path_factory.mktemp("fuzz") / "index"
    shutil.copytree(article_index.index_dir, index_dir)
    settings = article_index.override(index_dir=index_dir, generator="extractive", max_new_tokens=24)
    pipeline = Pipeline.open(settings, embedder=embedder)
    pipeline.generator()  # ready, as `qa serve` is before it opens its port
    return schemathesis.openapi.from_asgi("/openapi.json", create_api(pipeline))


def test_api_conforms_to_its_schema(api_schema):
    # schemathesis' pytest plugin does not load under pytest 9 here, so drive its strategies directly
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            # uploads are checked by content (type, UTF-8, size), which OpenAPI cannot express, so a
            # schema-valid upload may rightly get 413/415: every other check applies
            case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])

        check()
