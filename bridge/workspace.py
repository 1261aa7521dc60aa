"""Where the CLI finds its tenants and database: the env file, or the demo's folder.

Both give the same thing (a Settings object), so every command works on the demo exactly as
on a real installation: `dunning-bridge plan --demo` shows the demo company's plan.
"""

from __future__ import annotations

from pathlib import Path

from bridge.domain import Mode
from bridge.settings import Settings, TenantSettings, load_settings

DEMO_TENANT = "demo"
DEMO_COMPANY = "Kontorhjørnet ApS"


def demo_settings(state: Path) -> Settings:
    """Settings for the embedded demo: one e-conomic tenant on the sandbox, state in ``state``."""
    return Settings(
        database=state / "state.sqlite3",
        log_format="console",
        tenants={
            DEMO_TENANT: TenantSettings(
                system="economic",
                country="DK",
                mode=Mode.REVIEW,
                sandbox_state=state / "economic-sandbox.json",
                options={"company_name": DEMO_COMPANY},
            )
        },
    )


def resolve(env_file: Path | None, demo: Path | None) -> Settings:
    """Return the demo's settings when ``demo`` is given, else the env file's."""
    if demo is not None:
        return demo_settings(demo)
    return load_settings(env_file)
