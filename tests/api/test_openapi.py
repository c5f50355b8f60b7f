"""The committed OpenAPI document matches the app, documents every operation fully, and the
app keeps its promises under schemathesis (all checks, bounded examples per operation)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from sqlalchemy import Engine

from daks.api import openapi
from daks.api.app import create_app
from daks.settings import Settings
from daks.store import releases
from tests.api.conftest import KeyMaker


def test_the_committed_document_matches_the_app() -> None:
    assert openapi.DOCUMENT.read_text(encoding="utf-8") == openapi.render(openapi.current()), (
        "openapi/openapi.json is out of date: run `python -m daks.api.openapi`"
    )


def test_every_operation_has_a_summary_parameters_and_its_errors() -> None:
    doc = openapi.current()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            assert op.get("summary"), where
            for status in ("400", "401", "429", "500", "503"):
                assert status in op["responses"], (where, status)
            for status, response in op["responses"].items():
                assert "RateLimit-Remaining" in response["headers"], (where, status)
                if status[0] in "45":
                    assert "application/problem+json" in response["content"], (where, status)
            for parameter in op.get("parameters", []):
                assert "schema" in parameter, (where, parameter["name"])
    assert doc["components"]["schemas"]["Problem"]["examples"]


@pytest.fixture
def api(
    settings: Settings, make_key: KeyMaker, engine: Engine
) -> Iterator[tuple[schemathesis.BaseSchema, str]]:
    cell = (
        "testtown",
        "location",
        "pedestrians",
        "hour",
        "testtown-markt",
        "both",
        "",
        1740956400,
        1740960000,
        "2025-03",
        55.0,
        "ok",
        1.0,
        False,
        "public-v1",
    )
    releases.write_release(
        engine, [cell], kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[], scope=None
    )
    app = create_app(
        settings.model_copy(
            update={"rate_limit_public": "100000/minute", "rate_limit_internal": "100000/minute"}
        )
    )
    # 422 is also a right answer to schema-valid data here: bucket alignment of from/to, the
    # range ceiling, an opaque cursor and a vendor file's content are rules a JSON Schema
    # cannot state. 406 likewise: the schema lists media types, not q-value arithmetic.
    config = SchemathesisConfig.from_dict(
        {
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": [
                        "2xx",
                        "3xx",
                        "401",
                        "403",
                        "404",
                        "406",
                        "409",
                        "422",
                        "429",
                    ]
                }
            }
        }
    )
    staff = make_key("internal")
    yield schemathesis.openapi.from_asgi("/openapi.json", app, config=config), staff
    app.state.engine.dispose()


def test_the_app_keeps_its_schema(api: tuple[schemathesis.BaseSchema, str]) -> None:
    """Every operation, 20 generated requests each, every check schemathesis has; the
    failures of all operations are collected before the test fails."""
    schema, staff = api
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        def run(case: schemathesis.Case) -> None:
            keyed = case.operation.path.startswith("/v1/internal")
            case.call_and_validate(headers={"X-API-Key": staff} if keyed else None)

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
