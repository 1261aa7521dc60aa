"""The demo company's report in a real headless Chromium: it loads cleanly and the charts draw.

Chromium runs in its plain headless mode (no driver library needed): once with --dump-dom to
read the DOM after the page's load handler ran, once with --screenshot. Skipped, with the
reason shown, when no Chromium binary is installed (Debian: ``apt-get install chromium``;
another binary can be named in $CHROMIUM). Marked slow; run it with ``make browser-test``
(``pytest -q -m slow tests/bridge/test_report_browser.py``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app

runner = CliRunner()
TODAY = "2026-03-16"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
SECTIONS = ("receivables", "pipeline", "recovery", "upcoming", "late", "actions")


def _chromium() -> str | None:
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


CHROMIUM = _chromium()
pytestmark = [
    # A demo cycle and a browser start: run by its own target, `make browser-test`.
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium binary found (apt-get install chromium, or set $CHROMIUM)",
    ),
]


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp / f"profile-{len(list(tmp.iterdir()))}"
    return subprocess.run(  # a fixed binary with fixed flags on a local file
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    state = root / "demo"
    made = runner.invoke(app, ["demo", "--state", str(state), "--today", TODAY])
    assert made.exit_code == 0, made.output
    html = root / "report.html"
    written = runner.invoke(
        app, ["report", "--demo", str(state), "--today", TODAY, "--html", str(html)]
    )
    assert written.exit_code == 0, written.output
    return html


def test_page_loads_without_errors_and_draws_every_chart(page: Path, tmp_path: Path) -> None:
    done = _run(tmp_path, "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None, dom[:500]
    # The page's load handler counted the charts laid out with a size and drawn paths.
    charts = re.search(r'data-charts="(\d+)"', body.group(0))
    drawn = re.search(r'data-charts-drawn="(\d+)"', body.group(0))
    assert charts is not None, "the load handler did not run"
    assert drawn is not None
    assert int(charts.group(1)) == 4
    assert drawn.group(1) == charts.group(1)
    assert dom.count("<svg") >= 4
    for section in SECTIONS:
        assert f'id="{section}-demo"' in dom
    console_errors = [
        line for line in done.stderr.splitlines() if "CONSOLE" in line and "Uncaught" in line
    ]
    assert console_errors == []
    assert "net::ERR" not in done.stderr


def test_screenshot_of_the_report(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = _run(tmp_path, "--window-size=1280,2400", f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 50_000  # a page of charts and tables, not a blank sheet
