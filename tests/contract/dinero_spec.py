"""Load Dinero's OpenAPI extract from ../shared and validate bodies against its schemas.

The extract stays in ../shared/vendor-specs/dinero (never copied into the project). It is
OpenAPI 3.1, whose schemas are JSON Schema 2020-12; every ``$ref`` points into
``#/components/schemas``. Tests call ``require_specs()``, which skips with a visible reason when
the folder is absent.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from tests.ci import skip_or_fail

_ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("DUNNING_BRIDGE_SHARED", _ROOT.parent / "shared"))
SPECS = SHARED / "vendor-specs" / "dinero"
SPEC_FILE = SPECS / "openapi.dunning-extract.json"
FIXTURES = SPECS / "fixtures" / "apaq-dinero-java"
_SPEC_URI = "urn:dinero-extract"


def require_specs() -> None:
    """Skip the calling test with a visible reason when the vendor specs are absent."""
    if not SPEC_FILE.is_file():
        skip_or_fail(
            f"Dinero vendor specs not found at {SPEC_FILE} (contract tests need ../shared)"
        )


@cache
def spec() -> dict[str, Any]:
    """The whole extract."""
    loaded: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def _registry() -> Registry:
    resource = Resource.from_contents(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **spec()}
    )
    return Registry().with_resource(_SPEC_URI, resource)


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    # Numbers arrive as Decimal (as the connector reads them); let them count as numbers.
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "number", lambda _, v: isinstance(v, int | float | Decimal) and not isinstance(v, bool)
    )
    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)
    return cls(schema, registry=_registry())  # type: ignore[no-any-return]


def component(name: str) -> dict[str, Any]:
    """A schema that refers to ``#/components/schemas/<name>`` inside the extract."""
    return {"$ref": f"{_SPEC_URI}#/components/schemas/{name}"}


def errors(schema: dict[str, Any], instance: Any) -> list[str]:
    """Every violation of ``instance`` against ``schema``."""
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
        for e in _validator(schema).iter_errors(instance)
    ]


def assert_valid(name: str, instance: Any) -> None:
    """Fail listing every violation when ``instance`` is not a valid ``name`` schema."""
    found = errors(component(name), instance)
    assert not found, f"{name}: " + "; ".join(found[:20])


def operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """The spec's operation for a concrete request path (``/v1/4711/invoices/...``)."""
    for template, item in spec()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    return None


def response_schema(op: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema of an operation's 200 answer, with refs made absolute."""
    content = op.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return _absolute(schema) if schema is not None else None


def request_schema(op: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema of an operation's body, with refs made absolute."""
    content = (op.get("requestBody") or {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return _absolute(schema) if schema is not None else None


def _absolute(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (f"{_SPEC_URI}{v}" if k == "$ref" and v.startswith("#") else _absolute(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolute(v) for v in node]
    return node


def fixture(name: str) -> Any:
    """A recorded real response, numbers with fractions as Decimal."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)
