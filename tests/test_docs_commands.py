"""Every command shown in README.md and docs/ runs, so the examples cannot go stale.

Commands are read from the fenced shell blocks and from inline code. A concrete command of a
fenced block, or an inline one that names `--demo`, runs in-process against a demo made once
for this module (its `.demo` is that folder; a command that reads a tenant gets `--demo` when
it has none). A synopsis (`[--json]`, `INVOICE`, `a|b`, `…`) and any other inline mention
cannot run: its command and every option it names must exist. What cannot run here is in
ALLOWED, each with its reason; nothing else is skipped.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from policies.law import use_data_dir

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
SHELL_BLOCKS = {"", "sh", "bash", "shell", "console"}
PREFIXES = ("$ ", "sudo ", ".venv/bin/", "/opt/dunning-bridge/.venv/bin/")

# Commands that cannot run in a test, by pattern, each with its reason.
ALLOWED: dict[str, str] = {
    r"^make test$": "the test suite itself (this test is part of it)",
    r"^dunning-bridge secrets set ": "stores the operator's real vendor token; prompts for it",
    r"^dunning-bridge run\b": "the daemon: runs until SIGTERM (tests/bridge/test_daemon.py)",
    r"^dunning-bridge <key>$": "the marker the bridge writes into a Tripletex order, not a command",
}
# docs/operations.md's install blocks are run in order by scripts/install_check.py
# (tests/test_install.py), under a temporary root.
INSTALL_DOC = "docs/operations.md"
# Words that mark a synopsis rather than a runnable example.
PLACEHOLDER = re.compile(r"\[|\||…|\.\.\.|\b(?:[A-Z][A-Z_]+|T|C|D|N|L|S|YYYY-MM-DD)\b")


@dataclass(frozen=True)
class Shown:
    """One command as a page shows it."""

    where: str
    text: str
    runs: bool = True  # False: an inline mention, checked as a synopsis

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def _strip(line: str) -> str:
    line = line.strip()
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if line.startswith(prefix):
                line, changed = line[len(prefix) :], True
    # A trailing comment explains the example; it is not part of it.
    return re.split(r"\s{2,}#\s", line, maxsplit=1)[0].strip()


def shown_commands() -> Iterator[Shown]:
    for page in DOCS:
        name = page.relative_to(REPO).as_posix()
        in_block, shell = False, False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("```"):
                shell = not in_block and line.strip()[3:].strip() in SHELL_BLOCKS
                in_block = not in_block
                continue
            if in_block and shell:
                text = _strip(line)
                if (
                    text.startswith("dunning-bridge ") or re.fullmatch(r"make [a-z-]+", text)
                ) and not text.endswith("\\"):
                    yield Shown(f"{name}:{number}", text)
            elif not in_block:
                for span in re.findall(r"`([^`]+)`", line):
                    text = _strip(span.replace("\\|", "|"))
                    if text.startswith("dunning-bridge "):
                        yield Shown(f"{name}:{number}", text, runs=" --demo " in text)


SHOWN = list(shown_commands())


def _reason_allowed(shown: Shown) -> str | None:
    return next((why for pattern, why in ALLOWED.items() if re.search(pattern, shown.text)), None)


def _command(words: list[str]) -> tuple[Any, list[str]]:
    """The click command a word list names, and the words after its name."""
    command: Any = typer.main.get_command(app)
    rest = list(words)
    while rest and rest[0] in getattr(command, "commands", {}):
        command = command.commands[rest.pop(0)]  # type: ignore[attr-defined]
    return command, rest


def _options(command: Any) -> set[str]:
    named = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    return named | {"--help"}


def test_the_pages_show_commands() -> None:
    """The collection itself works: a page's examples are found (or this test proves nothing)."""
    texts = [s.text for s in SHOWN]
    assert "make demo" in texts
    assert any(t.startswith("dunning-bridge letter 1026") for t in texts)
    assert any(s.where.startswith("README.md") and "explain" in s.text for s in SHOWN)
    assert len(SHOWN) >= 30


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo as `make demo` leaves it (today's date, as a reader runs it)."""
    state = tmp_path_factory.mktemp("docs") / ".demo"
    result = CliRunner().invoke(app, ["demo", "--state", str(state)])
    assert result.exit_code == 0, result.output
    return state


def _runnable(shown: Shown, demo: Path, scratch: Path) -> list[str]:
    """The argument list for the CLI: .demo is the module's demo, /tmp paths under scratch."""
    text = shown.text
    if text == "make demo":  # the Makefile's demo target: `dunning-bridge demo --state .demo`
        text = "dunning-bridge demo --state .demo"
    words = shlex.split(text)[1:]
    args: list[str] = []
    for word in words:
        if word == ".demo":
            args.append(str(demo))
        elif word.startswith("/tmp/"):
            args.append(str(scratch / word.removeprefix("/tmp/")))
        elif not word.startswith("-") and (REPO / word).exists() and "/" in word:
            args.append(str(REPO / word))  # an example file of the repository
        else:
            args.append(word)
    command, _ = _command(args)
    options = _options(command)
    if "--demo" in options and "--demo" not in args:
        args += ["--demo", str(demo)]
    if "--law-data" in options and "--law-data" not in args:
        args += ["--law-data", str(scratch / "law")]
    return args


@pytest.mark.parametrize("shown", SHOWN, ids=str)
def test_command_shown_in_the_docs_works(
    shown: Shown, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if re.search(r"^dunning-bridge <key>$", shown.text):
        pytest.skip(f"allowed not to run: {ALLOWED[r'^dunning-bridge <key>$']}")
    if shown.text.startswith("make "):
        target = shown.text.split()[1]
        makefile = (REPO / "Makefile").read_text(encoding="utf-8")
        assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), shown
        if target != "demo":
            return
    synopsis = PLACEHOLDER.search(shown.text.removeprefix("dunning-bridge "))
    if (synopsis or not shown.runs) and shown.text != "make demo":
        words = [w for w in shlex.split(shown.text.replace("|", " "))[1:] if w]
        command, rest = _command(words)
        is_root = command.name == "dunning-bridge"
        assert not is_root or rest[:1] in (["--version"], ["--help"]), f"{shown}: no such command"
        named = {w.strip("[]()").split("=")[0] for w in rest if w.strip("[]()").startswith("-")}
        unknown = named - _options(command)
        assert not unknown, f"{shown}: {command.name} has no option {', '.join(sorted(unknown))}"
        return
    if shown.where.startswith(INSTALL_DOC):
        pytest.skip("install steps: run in order by scripts/install_check.py (test_install.py)")
    reason = _reason_allowed(shown)
    if reason is not None:
        pytest.skip(f"allowed not to run: {reason}")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)  # files the example writes (-o h.pdf) land here
    result = CliRunner().invoke(app, _runnable(shown, demo, scratch))
    assert result.exit_code == 0, f"{shown}\nexit {result.exit_code}\n{result.output}"


@pytest.fixture(autouse=True)
def _default_law_data() -> Iterator[None]:
    """`law` commands point the law packs at a scratch folder; give them back afterwards."""
    yield
    use_data_dir(None)


# -- the outputs docs/letters.md and docs/holds.md show ----------------------------------------

OUTPUT_DAY = "2026-03-16"
# (page, command after `dunning-bridge`, a line the page shows of its output). Run in this
# order on a demo of OUTPUT_DAY (the hold comes last: it withdraws 1026's draft).
SHOWN_OUTPUTS: list[tuple[str, list[str], str]] = [
    (
        "docs/letters.md",
        ["letter", "1026"],
        "pending draft 30 written 2026-03-16: 2 rykker for invoice 1026",
    ),
    (
        "docs/letters.md",
        ["letter", "1026", "--step", "1"],
        "issued document 1074 written 2026-03-02: 1 rykker for invoice 1026",
    ),
    (
        "docs/letters.md",
        ["letter", "1020", "--step", "3"],
        "preview of 3 inkassovarsel for invoices 1020, 1021, 1022 as it would be decided on "
        "2026-04-08 (assuming draft 42 is booked and nothing is paid before then)",
    ),
    ("docs/letters.md", ["letter", "1026", "--step", "9"], "the ladder has 4 steps, not a step 9"),
    (
        "docs/letters.md",
        ["letter", "1008", "--step", "1"],
        "step 1 will not be reached for invoice 1008 (looked ahead to 2027-03-17): Not dunned: "
        "customer is barred from dunning.",
    ),
    (
        "docs/holds.md",
        ["hold", "1026", "--tenant", "demo", "--until", "2026-03-31", "--reason", "goods returned"],
        "",
    ),
    (
        "docs/holds.md",
        ["explain", "1026"],
        "on hold since 2026-03-16 until 2026-03-31: goods returned",
    ),
]


def _flat(text: str) -> str:
    """Whitespace folded: a page wraps a long output line over several lines."""
    return " ".join(text.split())


def test_outputs_shown_in_letters_and_holds_are_what_the_commands_print(
    tmp_path: Path,
) -> None:
    state = tmp_path / ".demo"
    made = CliRunner().invoke(app, ["demo", "--state", str(state), "--today", OUTPUT_DAY])
    assert made.exit_code == 0, made.output
    for page, words, line in SHOWN_OUTPUTS:
        result = CliRunner().invoke(
            app, [*words, "--demo", str(state), "--today", OUTPUT_DAY], env={"COLUMNS": "300"}
        )
        said = _flat(result.stdout + result.stderr)
        if line:
            assert _flat(line) in said, f"{' '.join(words)} no longer prints: {line}\n{said}"
            shown = _flat((REPO / page).read_text(encoding="utf-8"))
            assert _flat(line) in shown, f"{page} does not show the output of {' '.join(words)}"
    # The engine's English amounts never reach these pages unconverted.
    for page in ("docs/letters.md", "docs/holds.md"):
        prose = re.sub(
            r"^```.*?^```", "", (REPO / page).read_text(encoding="utf-8"), flags=re.M | re.S
        )
        spans = re.findall(r"`([^`]+)`", prose)
        old = [x for x in spans if re.search(r"\b(?:DKK|NOK|SEK|EUR) \d+\.\d\d\b", x)]
        assert not old, f"{page} shows amounts the CLI no longer prints: {old}"
