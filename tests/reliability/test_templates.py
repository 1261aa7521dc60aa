"""Issue 18, finding 10: a tenant's own letter templates stay within a budget and their folder.

``range(100001)`` stopped the tenant's whole cycle (an OverflowError, not a render error), nested
loops hung it, a template built a string of hundreds of megabytes, and a link inside the override
folder was followed out of it. Now each of these skips only the letters of that template.
"""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bridge.engine import template_budget
from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.engine.letter_templates import missing_templates
from bridge.engine.letters import LetterError, compose
from bridge.store import open_store
from bridge.vocab import registry
from bridge.vocab.domain import ActionKind
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from tests.bridge.letter_fixtures import CUSTOMER, INVOICES, creditor, letter

TODAY = date(2026, 3, 16)


def _override(folder: Path, body: str, action: str = "reminder") -> Path:
    (folder / "da").mkdir(parents=True, exist_ok=True)
    (folder / "da" / f"{action}.txt.j2").write_text(body, encoding="utf-8")
    return folder


def _render(folder: Path) -> str:
    return compose(
        letter(ActionKind.REMINDER, 1, "DK"),
        CUSTOMER,
        INVOICES,
        creditor=creditor("DK"),
        lang="da",
        country="DK",
        override=folder,
    ).text


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("Emne\n{% for i in range(100001) %}{% endfor %}", "range"),
        (
            'Emne\n{% for a in "x" * 5000 %}{% for b in "x" * 5000 %}{% endfor %}{% endfor %}',
            "loop",
        ),
        ('Emne\n{{ "x" * 2000000 }}', "longer"),
        ('Emne\n{{ "x" | center(300000000) }}', "width"),
        ('Emne\n{{ "x".ljust(300000000) }}', "padding"),
        ('Emne\n{{ "%0300000000d" % 1 }}', "format width"),
        ("Emne\n{{ 10 ** 100000000 }}", "digits"),
        ('Emne\n{% for i in range(10000) %}{{ "y" * 500 }}{% endfor %}', "output"),
    ],
)
def test_a_template_past_its_budget_is_a_letter_error(tmp_path: Path, body: str, why: str) -> None:
    folder = _override(tmp_path / "tpl", body)
    started = clock.monotonic()
    with pytest.raises(LetterError, match=why):
        _render(folder)
    assert clock.monotonic() - started < 5


def test_a_slow_template_stops_at_the_time_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template_budget, "MAX_SECONDS", 0.0)
    folder = _override(tmp_path / "tpl", "Emne\n{% for i in range(5000) %}{% endfor %}")
    with pytest.raises(LetterError, match="took more than"):
        _render(folder)


def test_a_render_that_waits_for_other_threads_is_not_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The time budget is the CPU the template spends: sixty-four tenants' threads take turns
    with the interpreter, and a render waiting for its turn has spent nothing."""
    monkeypatch.setattr(template_budget, "MAX_SECONDS", 0.2)
    env = template_budget.BoundedEnvironment()
    env.filters["waits"] = lambda value: clock.sleep(0.3) or value  # waiting, not computing
    template = env.from_string("{% for i in range(3) %}{{ i | waits }}{% endfor %}")
    assert template_budget.render_bounded(template, {}) == "012"


def test_a_template_within_its_budget_renders(tmp_path: Path) -> None:
    folder = _override(tmp_path / "tpl", "Emne\n{% for i in range(3) %}{{ i }}{% endfor %}")
    assert _render(folder) == "Emne\n012"
    assert missing_templates(folder) == []


def test_a_link_out_of_the_override_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Emne\nSECRET OUTSIDE", encoding="utf-8")
    folder = tmp_path / "tpl"
    (folder / "da").mkdir(parents=True)
    (folder / "da" / "reminder.txt.j2").symlink_to(secret)
    with pytest.raises(LetterError, match="out of the override folder"):
        _render(folder)
    # A linked language folder leads out as well.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "reminder.txt.j2").write_text("Emne\nSECRET OUTSIDE", encoding="utf-8")
    other = tmp_path / "tpl2"
    other.mkdir()
    (other / "da").symlink_to(outside, target_is_directory=True)
    with pytest.raises(LetterError, match="out of the override folder"):
        _render(other)


def test_a_link_inside_the_override_folder_is_read(tmp_path: Path) -> None:
    folder = _override(tmp_path / "tpl", "Emne\ninside", action="reminder_source")
    (folder / "da" / "reminder.txt.j2").symlink_to(folder / "da" / "reminder_source.txt.j2")
    assert _render(folder) == "Emne\ninside"


def test_a_template_past_its_budget_skips_only_its_letters_in_a_cycle(tmp_path: Path) -> None:
    economic = registry.connector("economic")
    folder = _override(tmp_path / "tpl", "Emne\n{% for i in range(100001) %}{% endfor %}")
    for action in ActionKind:
        if action is not ActionKind.REMINDER:
            _override(folder, "Emne\n{% for i in range(100001) %}{% endfor %}", action.value)
    tenant = TenantSettings(system="economic", country="DK", options={"templates": str(folder)})
    options = CycleOptions(
        today=TODAY,
        now=datetime.combine(TODAY, time(7), tzinfo=UTC),
        transport=economic.sandbox(None, TODAY).transport(),
        secrets=StaticSecrets("t", economic.sandbox_secrets),
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = run_tenant(store, "t", tenant, options)
    assert outcome.error is None, outcome.error
    assert outcome.letters
    refused = [why for _, why in outcome.skipped if "cannot be rendered" in why]
    assert refused, outcome.skipped
    assert "range" in refused[0]
