"""The Danish demo's collection warning states the whole claim, as its explanation does.

Invoice 1023 (DKK 14,562.50, due 13 February 2026, a business): step 2 on 2 March charged the
DKK 100 fee, the DKK 310 compensation and interest for 14 February-2 March (17 days):
14,562.50 x 9.75 % x 17/365 = 66.130 -> 66.13; none of it is paid. The § 10 warning on
16 March (after step 2's deadline of 12 March) charges DKK 100 and interest for 3-16 March
(14 days): 14,562.50 x 9.75 % x 14/365 = 54.460 -> 54.46. Claim: 14,562.50 + 100 + 310 +
66.13 + 100 + 54.46 = 15,193.09. Before the claim model the warning stated only its own
charges and the principal (14,716.96).
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bridge.surfaces.cli import app

runner = CliRunner()


def test_the_demo_warning_and_its_explanation_state_the_same_claim(tmp_path: Path) -> None:
    state = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", "2026-03-16", "--json"])
    assert result.exit_code == 0, result.output
    decisions = json.loads(result.stdout)["decisions"]
    [warning] = [
        d for d in decisions if d["invoice"] == "1023" and d["action"] == "collection_warning"
    ]
    assert "total DKK 15,193.09" in warning["explanation"]
    sandbox = json.loads((state / "economic-sandbox.json").read_text(encoding="utf-8"))
    [letter] = [
        text
        for text in _strings(sandbox)
        if text.startswith("INKASSOVARSEL") and "- Faktura 1023 " in text
    ]
    assert "- Rykkergebyr, opkrævet 2. marts 2026: 100,00\u00a0kr." in letter
    assert "- Kompensationsbeløb, faktura 1023, opkrævet 2. marts 2026: 310,00\u00a0kr." in letter
    assert "opkrævet 2. marts 2026: 66,13\u00a0kr." in letter
    assert "I alt at betale: 15.193,09\u00a0kr." in letter


def _strings(value: object) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
