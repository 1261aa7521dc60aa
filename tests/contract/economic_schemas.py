"""Load e-conomic's official JSON Schemas from ../shared and validate instances against them.

The schemas stay in ../shared/vendor-specs/economic/schemas (never copied into the project).
Tests that need them call ``require_specs()``, which skips with a visible reason when the folder
is absent.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from tests.ci import skip_or_fail

_ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("DUNNING_BRIDGE_SHARED", _ROOT.parent / "shared"))
SPECS = SHARED / "vendor-specs" / "economic"
SCHEMAS = SPECS / "schemas"
FIXTURES = SPECS / "fixtures" / "traels-it"

# e-conomic publishes two schema files with trailing commas; strip them before parsing.
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def require_specs() -> None:
    """Skip the calling test with a visible reason when the vendor specs are absent."""
    if not SCHEMAS.is_dir():
        skip_or_fail(
            f"e-conomic vendor specs not found at {SCHEMAS} (contract tests need ../shared)"
        )


@cache
def schema(name: str) -> dict[str, Any]:
    """Return the schema ``<name>.schema.json``, e.g. ``invoices.overdue.get``."""
    text = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8-sig")
    loaded: dict[str, Any] = json.loads(_TRAILING_COMMA.sub(r"\1", text))
    return loaded


def errors(name: str, instance: Any) -> list[str]:
    """List every violation of ``instance`` against the schema ``name`` (draft-03)."""
    validator = jsonschema.Draft3Validator(schema(name))
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def assert_valid(name: str, instance: Any) -> None:
    """Fail with every violation listed when ``instance`` does not match the schema."""
    found = errors(name, instance)
    assert not found, f"{name}: " + "; ".join(found[:20])


def fixture(name: str) -> Any:
    """Load a recorded real response, e.g. ``create_booked_invoice.json``."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8-sig"))
