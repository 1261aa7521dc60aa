"""Every vendor behaviour exactly-once rests on cites evidence that exists, or is not relied on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ci import skip_or_fail
from tests.contract.economic_schemas import SHARED
from tests.contract.evidence import BEHAVIOURS, Behaviour

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = {"economic", "dinero", "fortnox", "tripletex"}


def _name(behaviour: Behaviour) -> str:
    return f"{behaviour.system}: {behaviour.name}"


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=_name)
def test_each_cited_file_exists_and_says_it(behaviour: Behaviour) -> None:
    if not (SHARED / "vendor-specs").is_dir():
        skip_or_fail(f"vendor specs not found at {SHARED} (the evidence lives in ../shared)")
    for source in behaviour.sources:
        path = SHARED / source.path
        assert path.is_file(), f"{_name(behaviour)}: {source.path} is not in ../shared"
        text = path.read_text(encoding="utf-8-sig")
        assert source.says in text, (
            f"{_name(behaviour)}: {source.path} does not say {source.says!r}"
        )


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=_name)
def test_a_behaviour_is_relied_on_only_with_evidence(behaviour: Behaviour) -> None:
    assert behaviour.system in SYSTEMS
    if behaviour.relied_on:
        assert behaviour.evidence in {"recorded", "documented"}
        assert behaviour.sources, f"{_name(behaviour)} is relied on and cites nothing"
        return
    # Not relied on: a test must show the connector stays exactly-once without it.
    file, _, test = behaviour.proven_by.partition("::")
    assert test, f"{_name(behaviour)} is not relied on, but names no test proving it"
    source = (ROOT / file).read_text(encoding="utf-8")
    assert re.search(rf"^def {re.escape(test)}\(", source, re.MULTILINE), behaviour.proven_by


def test_every_system_cites_its_read_back() -> None:
    assert {b.system for b in BEHAVIOURS if b.relied_on} == SYSTEMS
