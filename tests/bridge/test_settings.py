"""Settings from env files: valid files load, every kind of bad input gets one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.vocab.domain import Mode
from bridge.vocab.errors import ConfigError
from bridge.vocab.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bridge.env"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_tenants_nested_with_double_underscore(tmp_path: Path) -> None:
    policy = tmp_path / "kontor.toml"
    policy.write_text("", encoding="utf-8")
    env = write(
        tmp_path,
        f"""# a comment
BRIDGE_DATABASE={tmp_path}/state.sqlite3
BRIDGE_SCHEDULE=30 6 * * mon-fri
BRIDGE_TENANTS__KONTOR__SYSTEM=economic
BRIDGE_TENANTS__KONTOR__COUNTRY=dk
BRIDGE_TENANTS__KONTOR__MODE=autonomous
BRIDGE_TENANTS__KONTOR__POLICY_FILE={policy}
BRIDGE_TENANTS__KONTOR__OPTIONS__LAYOUT=19
PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring
""",
    )
    s = load_settings(env)
    kontor = s.tenant("kontor")
    assert kontor.system == "economic"
    assert kontor.country == "DK"
    assert kontor.mode is Mode.AUTONOMOUS
    assert kontor.policy_file == policy
    assert kontor.options == {"layout": "19"}
    assert s.schedule == "30 6 * * mon-fri"


def test_environment_overrides_and_env_file_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = write(tmp_path, "BRIDGE_TENANTS__A__SYSTEM=economic\n")
    monkeypatch.setenv("BRIDGE_ENV_FILE", str(env))
    monkeypatch.setenv("BRIDGE_LOG_LEVEL", "debug")
    s = load_settings()
    assert s.log_level == "debug"
    assert "a" in s.tenants


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "BRIDGE_TENANTS__X__SYSTEM=economic\nBRIDGE_TENANTS__X__COUNTRY=XX\n",
            "unknown country 'XX'",
        ),
        (
            "BRIDGE_TENANTS__X__SYSTEM=economic\nBRIDGE_TENANTS__X__MODE=yolo\n",
            "BRIDGE_TENANTS__X__MODE",
        ),
        (
            "BRIDGE_TENANTS__X__SYSTEM=economic\nBRIDGE_TENANTS__X__MOOD=review\n",
            "BRIDGE_TENANTS__X__MOOD: unknown tenant setting; did you mean MODE",
        ),
        ("BRIDGE_TENANTS__X__COUNTRY=DK\n", "BRIDGE_TENANTS__X__SYSTEM: required"),
        ("BRIDGE_SCHEDULE=daily\n", "5 fields"),
        ("BRIDGE_TIMEZONE=Mars/Olympus\n", "unknown time zone"),
        ("BRIDGE_DATABSE=/tmp/x\n", "BRIDGE_DATABSE"),
        ("BRIDGE_MAX_PARALLEL_TENANTS=0\n", "BRIDGE_MAX_PARALLEL_TENANTS"),
        (
            "BRIDGE_TENANTS__X__SYSTEM=economic\nBRIDGE_TENANTS__X__POLICY_FILE=/nope.toml\n",
            "does not exist",
        ),
    ],
)
def test_bad_env_file_gives_clear_error(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert fragment in str(info.value)


def test_missing_env_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.env")


def test_binary_env_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bridge.env"
    path.write_bytes(b"\xff\xfe\x00BRIDGE\x00")
    with pytest.raises(ConfigError):
        load_settings(path)


def test_unknown_tenant_names_the_known_ones(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, "BRIDGE_TENANTS__KONTOR__SYSTEM=economic\n"))
    with pytest.raises(ConfigError, match="known: kontor"):
        s.tenant("other")


def test_the_law_update_schedule_is_off_unless_set(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "")).law_update_schedule is None
    empty = load_settings(
        write(tmp_path, f"BRIDGE_LAW_DATA={tmp_path}\nBRIDGE_LAW_UPDATE_SCHEDULE=\n")
    )
    assert empty.law_update_schedule is None
    text = f"BRIDGE_LAW_DATA={tmp_path}\nBRIDGE_LAW_UPDATE_SCHEDULE=15 6 1-5 1,7 *\n"
    assert load_settings(write(tmp_path, text)).law_update_schedule == "15 6 1-5 1,7 *"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("BRIDGE_LAW_DATA=/tmp/law\nBRIDGE_LAW_UPDATE_SCHEDULE=daily\n", "5 fields"),
        (
            "BRIDGE_LAW_DATA=/tmp/law\nBRIDGE_LAW_UPDATE_SCHEDULE=0 25 * * *\n",
            "law_update_schedule",
        ),
        ("BRIDGE_LAW_UPDATE_SCHEDULE=0 6 * * *\n", "needs law_data"),
    ],
)
def test_a_bad_law_update_schedule_is_refused(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_settings(write(tmp_path, text))


def test_every_problem_in_one_message_with_its_file_and_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown names, bad values, unknown systems and misspelt options: all at once."""
    monkeypatch.setenv("BRIDGE_TIMEZONE", "Mars/Olympus")
    path = write(
        tmp_path,
        "BRIDGE_SCHEDUL=0 7 * * *\n"
        "BRIDGE_SCHEDULE=0 7 * * man-fre\n"
        "BRIDGE_TENANTS__KONTOR__SYSTEM=economic\n"
        "BRIDGE_TENANTS__KONTOR__OPTIONS__BANK_ACOUNT=1234567\n"
        "BRIDGE_TENANTS__KONTOR__OPTIONS__SMTP_HOSTNAME=mail.example\n"
        "BRIDGE_TENANTS__BUTIK__SYSTEM=ecomomic\n"
        "BRIDGE_TENANTS__BUTIK__COUNTRY=XX\n",
    )
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    lines = str(info.value).splitlines()
    assert lines[0] == "7 problems in the settings (see docs/configuration.md):"
    said = "\n".join(lines)
    assert f"{path}: BRIDGE_SCHEDUL: unknown setting; did you mean BRIDGE_SCHEDULE?" in said
    assert f"{path}: BRIDGE_SCHEDULE: schedule '0 7 * * man-fre'" in said
    assert (
        f"{path}: BRIDGE_TENANTS__KONTOR__OPTIONS__BANK_ACOUNT: unknown option 'bank_acount' "
        "for Visma e-conomic; did you mean bank_account?"
    ) in said
    assert "BRIDGE_TENANTS__KONTOR__OPTIONS__SMTP_HOSTNAME: unknown option" in said
    assert (
        f"{path}: BRIDGE_TENANTS__BUTIK__SYSTEM: unknown accounting system 'ecomomic'; "
        "did you mean economic?"
    ) in said
    assert f"{path}: BRIDGE_TENANTS__BUTIK__COUNTRY: unknown country 'XX'" in said
    assert "environment: BRIDGE_TIMEZONE: unknown time zone 'Mars/Olympus'" in said


def test_the_options_of_every_system_and_of_the_bridge_are_known(tmp_path: Path) -> None:
    from bridge.surfaces.workspace import DEMO_OPTIONS  # noqa: PLC0415

    lines = [f"BRIDGE_DATABASE={tmp_path}/s.sqlite3"]
    for system, options in DEMO_OPTIONS.items():
        lines.append(f"BRIDGE_TENANTS__{system.upper()}__SYSTEM={system}")
        lines.append(f"BRIDGE_TENANTS__{system.upper()}__COUNTRY=DK")
        for key in (*options, "smtp_host", "handover_folder", "pre_due_days", "language"):
            if key not in {"iban", "bic", "fik_creditor", "kid", "ocr", "fi_reference"}:
                lines.append(f"BRIDGE_TENANTS__{system.upper()}__OPTIONS__{key.upper()}=x")
    lines.append("BRIDGE_TENANTS__FORTNOX__OPTIONS__FEE_ACCOUNT=3590")
    lines.append("BRIDGE_TENANTS__TRIPLETEX__OPTIONS__DISPATCH_TYPES=EMAIL")
    lines.append("BRIDGE_TENANTS__DINERO__OPTIONS__ORGANIZATION_ID=1")
    settings = load_settings(write(tmp_path, "\n".join(lines) + "\n"))
    assert set(settings.tenants) == set(DEMO_OPTIONS)
