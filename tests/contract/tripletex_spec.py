"""Find the official Tripletex OpenAPI spec and recordings in ../shared, or skip visibly."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any

import jsonschema

from tests.ci import SHARED, skip_or_fail

SPECS = SHARED / "vendor-specs" / "tripletex"
OPENAPI = SPECS / "openapi-2.74.00.json"
FIXTURES = SPECS / "fixtures"


def require_specs() -> None:
    """Skip the calling test, saying why, when the vendor specs are not checked out."""
    if not OPENAPI.is_file():
        skip_or_fail(f"Tripletex vendor specs not found at {SPECS} (../shared is absent)")


@cache
def spec() -> dict[str, Any]:
    """The OpenAPI document."""
    require_specs()
    loaded: dict[str, Any] = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return loaded


def recorded(name: str) -> Any:
    """One recorded response, fractions as Decimal (as the connector reads them)."""
    require_specs()
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)


def validate(instance: Any, schema_name: str) -> None:
    """Validate against a component schema (OpenAPI 3.0 schemas are JSON Schema draft 4-ish)."""
    document = {"$ref": f"#/components/schemas/{schema_name}", "components": spec()["components"]}
    jsonschema.Draft4Validator(document).validate(_without_nulls(instance))


def _without_nulls(value: Any) -> Any:
    # Tripletex writes an absent optional field as null (the recorded invoice's invoiceRemark),
    # which its OpenAPI 3.0 schemas do not mark nullable; null means "absent" here.
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def operation(method: str, path: str) -> dict[str, Any]:
    """The spec's operation for ``method path`` (fails the test when absent)."""
    found = spec()["paths"].get(path, {}).get(method.lower())
    assert found is not None, f"{method} {path} is not in the Tripletex spec"
    return found  # type: ignore[no-any-return]
