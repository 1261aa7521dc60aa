"""Where the CLI finds its tenants and database: the env file, or the demo's folder.

Both give the same thing (a Settings object), so every command works on the demo exactly as
on a real installation: `dunning-bridge plan --demo .demo` shows the demo company's plan.

A demo folder belongs to one accounting system; the folder remembers which in a small marker
file, so later commands pointed at it (`explain --demo .demo`) open the right sandbox.
"""

from __future__ import annotations

from pathlib import Path

from bridge.vocab import registry
from bridge.vocab.domain import Mode
from bridge.vocab.errors import ConfigError
from bridge.vocab.settings import Settings, TenantSettings, load_settings

DEMO_TENANT = "demo"
DEFAULT_SYSTEM = "economic"
SYSTEM_MARKER = "system"

# The demo companies of the embedded sandboxes, and the tenant options each demo runs with.
DEMO_COMPANIES = {
    "economic": "Kontorhjørnet ApS",
    "dinero": "Havemøbler Fyn IvS",
    "fortnox": "Nordkontor AB",
    "tripletex": "Bryggen Kontormøbler AS",
}
# The demo creditor's identity and payment details, printed on its letters (docs/letters.md).
# Fictional numbers; the IBANs are the banks' published examples.
_DEMO_CREDITORS: dict[str, dict[str, str]] = {
    "economic": {
        "company_email": "debitor@demo-economic.dk",
        "company_phone": "+45 33 12 34 56",
        "company_address": "Nørregade 1, 1165 København K",
        "company_org_number": "87654321",
        "bank_reg": "1234",
        "bank_account": "0012345678",
        "iban": "DK5000400440116243",
        "bic": "NDEADKKK",
        "fik_creditor": "85123456",
    },
    "dinero": {
        "company_email": "bogholderi@demo-dinero.dk",
        "company_phone": "+45 66 12 34 56",
        "company_address": "Havnegade 5, 5000 Odense C",
        "company_org_number": "12345678",
        "bank_reg": "5678",
        "bank_account": "0087654321",
        "fik_creditor": "81234567",
    },
    # Fortnox gives every invoice its OCR reference; Tripletex a KID.
    "fortnox": {
        "company_email": "reskontra@demo-fortnox.se",
        "company_phone": "+46 8 123 456 78",
        "company_address": "Storgatan 1, 111 22 Stockholm",
        "company_org_number": "556000-0000",
        "bankgiro": "123-4567",
    },
    "tripletex": {
        "company_email": "regnskap@demo-tripletex.no",
        "company_phone": "+47 55 12 34 56",
        "company_address": "Bryggen 1, 5003 Bergen",
        "company_org_number": "987 654 321",
        "bank_account": "86011117947",
        "iban": "NO9386011117947",
    },
}
DEMO_OPTIONS = {
    # The sandbox's customer groups: 1 "Erhverv" (business), 2 "Private" (consumers).
    "economic": {"business_groups": "1", "consumer_groups": "2", **_DEMO_CREDITORS["economic"]},
    "dinero": _DEMO_CREDITORS["dinero"],
    # The demo's Swedish customers agreed to the reminder fee in their terms (law: only then).
    "fortnox": {"reminder_fee_agreed": "all", **_DEMO_CREDITORS["fortnox"]},
    "tripletex": _DEMO_CREDITORS["tripletex"],
}


def demo_system(state: Path, system: str | None = None) -> str:
    """The system a demo folder runs: the one asked for, else the folder's, else e-conomic.

    Raises ConfigError when the folder already holds another system's demo.
    """
    marker = state / SYSTEM_MARKER
    recorded = marker.read_text(encoding="utf-8").strip() if marker.is_file() else None
    if system and recorded and system != recorded:
        raise ConfigError(
            f"{state} holds the {recorded} demo; use another --state folder for {system} "
            "or remove this one (make demo-reset)"
        )
    return system or recorded or DEFAULT_SYSTEM


def demo_company(system: str) -> str:
    """The demo company's name for ``system``."""
    return DEMO_COMPANIES.get(system, f"{registry.connector(system).display_name} demo company")


def demo_settings(state: Path, system: str | None = None) -> Settings:
    """Settings for the embedded demo: one tenant on a sandbox, all state in ``state``."""
    system = demo_system(state, system)
    descriptor = registry.connector(system)
    return use_law_data(
        Settings(
            database=state / "state.sqlite3",
            log_format="console",
            tenants={
                DEMO_TENANT: TenantSettings(
                    system=system,
                    country=descriptor.country,
                    mode=Mode.REVIEW,
                    sandbox_state=state / f"{system}-sandbox.json",
                    options={"company_name": demo_company(system), **DEMO_OPTIONS.get(system, {})},
                )
            },
        )
    )


def use_law_data(settings: Settings) -> Settings:
    """Let every law pack of this process read the operator's rows (BRIDGE_LAW_DATA)."""
    from policies.law import use_data_dir  # noqa: PLC0415

    use_data_dir(settings.law_data)
    return settings


def remember_system(state: Path, system: str) -> None:
    """Mark ``state`` as the demo folder of ``system``."""
    state.mkdir(parents=True, exist_ok=True)
    (state / SYSTEM_MARKER).write_text(system + "\n", encoding="utf-8")


def resolve(env_file: Path | None, demo: Path | None) -> Settings:
    """Return the demo's settings when ``demo`` is given, else the env file's."""
    if demo is not None:
        return demo_settings(demo)
    return use_law_data(load_settings(env_file))
