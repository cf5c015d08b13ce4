"""Schemathesis against the app's own OpenAPI schema: no 5xx, no undocumented status code."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from calmlink.api.app import create_app
from calmlink.settings import Settings
from calmlink.store.store import Store

_tmp = Path(tempfile.mkdtemp(prefix="calmlink-fuzz-"))
_settings = Settings(db=_tmp / "fuzz.sqlite3", routines_dir=_tmp / "routines")
_store = Store(_settings.db_path)
app = create_app(_settings, None, _store)
HEADERS = {"host": "127.0.0.1", "origin": "http://127.0.0.1"}
RULES_BEYOND_THE_SCHEMA = {("POST", "/api/routines"), ("PUT", "/api/routines/{routine_id}"),
                           ("POST", "/api/routines/{routine_id}/duplicate")}
"""A routine's rules across fields (60 minutes in all, the settle step's 30 s, one id per step,
one routine per name) cannot be said in JSON Schema; they answer 422 naming the field, which
schema-valid data may meet. The other checks (no 5xx, documented codes and bodies) still apply."""
schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=HEADERS)


@pytest.fixture(scope="module", autouse=True)
def open_store() -> Iterator[None]:
    _store.open()
    yield
    _store.close()
    shutil.rmtree(_tmp, ignore_errors=True)


@schema.exclude(path="/api/devices/connect").parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_never_fails_and_says_only_what_it_documents(case: schemathesis.Case) -> None:
    beyond = (case.method.upper(), case.path) in RULES_BEYOND_THE_SCHEMA
    case.call_and_validate(headers=HEADERS,
                           excluded_checks=[positive_data_acceptance] if beyond else None)
