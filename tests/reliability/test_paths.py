"""Issue 18, finding 11: names from data never become paths unchecked.

A customer id ``x/../../outside/pwn`` in a scenario wrote outside ``--out`` (or crashed with a
traceback when the folder was missing); a tenant named ``../../../escaped`` fed the hand-over
folder and the credential file names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.vocab.errors import ConfigError
from bridge.vocab.safenames import check_name, file_component, inside
from bridge.vocab.secrets import TenantSecrets
from bridge.vocab.settings import Settings, load_settings

SCENARIOS = Path(__file__).parents[1] / "scenarios"
EVIL = "x/../../outside/pwn"


def _evil_scenario(tmp_path: Path) -> Path:
    data = json.loads((SCENARIOS / "dk_b2b.json").read_text(encoding="utf-8"))
    old = data["customers"][0]["id"]
    data["customers"][0]["id"] = EVIL
    for invoice in data["invoices"]:
        if invoice["customer"] == old:
            invoice["customer"] = EVIL
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_customer_id_with_dots_and_slashes_stays_inside_out(tmp_path: Path) -> None:
    scenario = _evil_scenario(tmp_path)
    out = tmp_path / "deep" / "letters"
    result = CliRunner().invoke(
        app, ["letter", "all", "--scenario", str(scenario), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert not (tmp_path / "outside").exists()
    assert not (tmp_path / "deep" / "outside").exists()
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written
    for path in written:
        assert path.resolve().is_relative_to(out.resolve())


def test_file_component_keeps_plain_ids_and_tells_apart_the_rest() -> None:
    assert file_component("C1") == "C1"
    assert file_component("1001-b_2.x") == "1001-b_2.x"
    unsafe = file_component(EVIL)
    assert "/" not in unsafe
    assert not unsafe.startswith(".")
    assert file_component("..") not in {"..", ".", ""}
    # two ids that differ only in unsafe characters never share a file
    assert file_component("a/b") != file_component("a\\b")
    assert file_component("") != ""


def test_inside_refuses_a_path_that_leaves_its_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, tmp_path / "a" / "b") == (tmp_path / "a" / "b").resolve()
    with pytest.raises(ConfigError):
        inside(tmp_path, tmp_path / ".." / "escaped")


@pytest.mark.parametrize(
    "name", ["../../../escaped", "a/b", "", ".hidden", "-x", "a b", "x" * 65, "a\\b", "ø"]
)
def test_unsafe_tenant_names_are_refused_at_load(name: str) -> None:
    with pytest.raises(ValidationError, match="tenant name"):
        Settings(tenants={name: {"system": "economic"}})  # type: ignore[dict-item]
    with pytest.raises(ConfigError):
        check_name(name, "tenant name")


def test_unsafe_tenant_name_in_an_env_file_is_one_clear_error(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text("BRIDGE_TENANTS__../../../escaped__SYSTEM=economic\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="tenant name"):
        load_settings(env)


@pytest.mark.parametrize("name", ["kontor", "Kontor_2", "a.b-c", "x" * 64])
def test_ordinary_tenant_names_load(name: str) -> None:
    assert name in Settings(tenants={name: {"system": "economic"}}).tenants  # type: ignore[dict-item]


def test_credential_files_are_never_read_for_an_unsafe_tenant(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        TenantSecrets("../../../escaped", credentials_dir=tmp_path)
    with pytest.raises(ConfigError):
        TenantSecrets("kontor", credentials_dir=tmp_path).get("../../etc/passwd")


def test_a_case_id_that_is_no_plain_name_is_refused(tmp_path: Path) -> None:
    from bridge.engine.handover import check_case_id  # noqa: PLC0415

    assert check_case_id("case-0a1b2c") == "case-0a1b2c"
    with pytest.raises(ConfigError):
        check_case_id("case-../../x")
