"""The Danish demo's collection warning states the whole claim, as its explanation does.

Invoice 1026 (DKK 6,250.00, due 16 February 2026, a business): step 2 on 5 March charged the
DKK 100 fee, the DKK 310 compensation and interest for 17 February-5 March (17 days):
6,250 x 9.75 % x 17/365 = 28.380 -> 28.38; none of it is paid. The § 10 warning on 16 March
charges DKK 100 and interest for 6-16 March (11 days): 6,250 x 9.75 % x 11/365 = 18.365 ->
18.36. Claim: 6,250 + 100 + 310 + 28.38 + 100 + 18.36 = 6,806.74. Before the claim model the
warning said 6,368.36 (its own charges only). The issue's 6,804.52 (step 2 = 435.68) came from
an earlier sandbox; this one charges step 2 438.38.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bridge.cli import app

runner = CliRunner()


def test_the_demo_warning_and_its_explanation_state_the_same_claim(tmp_path: Path) -> None:
    state = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", "2026-03-16", "--json"])
    assert result.exit_code == 0, result.output
    decisions = json.loads(result.stdout)["decisions"]
    [warning] = [
        d for d in decisions if d["invoice"] == "1026" and d["action"] == "collection_warning"
    ]
    assert "total DKK 6,806.74" in warning["explanation"]
    sandbox = json.loads((state / "economic-sandbox.json").read_text(encoding="utf-8"))
    [letter] = [
        text
        for text in _strings(sandbox)
        if text.startswith("INKASSOVARSEL") and "- Faktura 1026 " in text
    ]
    assert "- Rykkergebyr, opkrævet 5. marts 2026: 100,00\u00a0kr." in letter
    assert "- Kompensationsbeløb, faktura 1026, opkrævet 5. marts 2026: 310,00\u00a0kr." in letter
    assert "I alt at betale: 6.806,74\u00a0kr." in letter


def _strings(value: object) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
