"""Load Fortnox's official OpenAPI from ../shared and validate instances against its schemas.

The spec stays in ../shared/vendor-specs/fortnox (never copied into the project). Tests that
need it call ``require_specs()``, which skips with a visible reason when the folder is absent.

OpenAPI 3.0 schemas are JSON Schema draft 4 with extras; they are validated with
``jsonschema.Draft4Validator`` against a root that holds the spec's ``components``, so every
``$ref`` resolves. Fortnox sends ``null`` for unset fields whatever the schema's type (the
recordings are full of ``"Address1": null``), so :func:`errors` drops null-valued keys first.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from tests.ci import skip_or_fail

_ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("DUNNING_BRIDGE_SHARED", _ROOT.parent / "shared"))
SPECS = SHARED / "vendor-specs" / "fortnox"
OPENAPI = SPECS / "openapi.json"
CASSETTES = SPECS / "fixtures" / "accodeing-vcr"
# Parameters Fortnox documents as global (paging, sorting), which the spec leaves out.
GLOBAL_PARAMETERS = frozenset({"page", "limit", "offset", "sortorder"})


def require_specs() -> None:
    """Skip the calling test with a visible reason when the vendor specs are absent."""
    if not OPENAPI.is_file():
        skip_or_fail(f"Fortnox vendor specs not found at {SPECS} (contract tests need ../shared)")


@cache
def spec() -> dict[str, Any]:
    """The whole OpenAPI document."""
    loaded: dict[str, Any] = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return loaded


def operation(method: str, path: str) -> dict[str, Any]:
    """The operation for ``method`` on a concrete path such as ``/3/invoices/12/bookkeep``."""
    parts = path.rstrip("/").split("/")
    for template, item in spec()["paths"].items():
        pieces = template.split("/")
        if len(pieces) == len(parts) and all(
            t == p or (t.startswith("{") and t.endswith("}"))
            for t, p in zip(pieces, parts, strict=True)
        ):
            found = item.get(method.lower())
            if found is not None:
                result: dict[str, Any] = found
                return result
    raise KeyError(f"the spec has no {method} {path}")


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def errors(ref: str, instance: Any) -> list[str]:
    """Every violation of ``instance`` against ``#/components/schemas/<ref>``."""
    root = {"components": spec()["components"], "$ref": f"#/components/schemas/{ref}"}
    validator = jsonschema.Draft4Validator(root)
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
        for e in validator.iter_errors(_without_nulls(instance))
    ]


def assert_valid(ref: str, instance: Any) -> None:
    """Fail with every violation listed when ``instance`` does not match the schema."""
    found = errors(ref, instance)
    assert not found, f"{ref}: " + "; ".join(found[:20])


def response_schema(method: str, path: str, status: int) -> str:
    """The schema name of an operation's answer with ``status`` (else its default answer)."""
    responses = operation(method, path)["responses"]
    answer = responses.get(str(status)) or responses["default"]
    content = next(iter(answer["content"].values()))
    ref: str = content["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def request_schema(method: str, path: str) -> str:
    """The schema name of an operation's request body."""
    content = next(iter(operation(method, path)["requestBody"]["content"].values()))
    ref: str = content["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def parameters(method: str, path: str) -> dict[str, dict[str, Any]]:
    """The query parameters an operation declares, by name."""
    declared = operation(method, path).get("parameters", [])
    return {p["name"]: p for p in declared if p.get("in") == "query"}
