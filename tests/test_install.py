"""Installing as docs/operations.md says: the steps, the hardened unit, `init`, the wheel."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge import __version__
from bridge.surfaces.cli import app
from bridge.surfaces.starter import DOCUMENTED_EXECUTABLE, EXAMPLES, write_examples

REPO = Path(__file__).resolve().parent.parent
UNIT = REPO / "examples" / "dunning-bridge.service"
runner = CliRunner()


def _unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def test_install_steps_of_the_docs_pass_in_a_temporary_root() -> None:
    """scripts/install_check.py runs docs/operations.md's commands, in order (issue 19)."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "install_check.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "install check passed: " in result.stdout
    # The order problem of issue 19: the state folder is created before `secrets set`.
    steps = result.stdout
    assert steps.index("install -d -m 0700 -o dunning-bridge") < steps.index("secrets set")


def _check(doc: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "install_check.py"), "--doc", str(doc)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_install_check_fails_on_a_step_it_does_not_know(tmp_path: Path) -> None:
    page = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    doc = tmp_path / "operations.md"
    doc.write_text(page.replace("```sh\n", "```sh\nsudo apt-get install foo\n", 1), "utf-8")
    result = _check(doc)
    assert result.returncode == 1
    assert "a step this check does not know: sudo apt-get install foo" in result.stdout


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="needs root: without it the current user may create any folder in the root",
)
def test_install_check_fails_when_the_docs_skip_the_state_folder(tmp_path: Path) -> None:
    """The order problem of issue 19, put back: `secrets set` must fail, and say why."""
    page = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    step = "sudo install -d -m 0700 -o dunning-bridge -g dunning-bridge /var/lib/dunning-bridge\n"
    assert step in page
    doc = tmp_path / "operations.md"
    doc.write_text(page.replace(step, ""), encoding="utf-8")
    result = _check(doc)
    assert result.returncode == 1, result.stdout
    failure = result.stdout.split("FAILED: ", 1)[1]
    assert "secrets set kontor app_secret_token" in failure
    assert "cannot use the file keyring at" in failure
    assert "/var/lib/dunning-bridge: Permission denied" in failure
    assert "Traceback" not in result.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_unit_scores_ok_in_systemd_analyze_security() -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(UNIT)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d)", result.stdout)
    assert found, result.stdout + result.stderr
    assert float(found.group(1)) <= 2.0, result.stdout
    assert "Invalid" not in result.stderr, result.stderr


def test_unit_lets_the_daemon_reach_what_the_docs_put_where() -> None:
    settings = _unit_settings()
    # The file keyring (docs/operations.md) and the database live in the one writable folder.
    assert settings["Environment"] == ["XDG_DATA_HOME=/var/lib/dunning-bridge"]
    assert settings["ReadWritePaths"] == ["/var/lib/dunning-bridge"]
    assert settings["StateDirectory"] == ["dunning-bridge"]
    assert settings["ProtectSystem"] == ["strict"]
    env = (REPO / "examples" / "bridge.env").read_text(encoding="utf-8")
    for line in env.splitlines():
        if line.startswith(("BRIDGE_DATABASE=", "BRIDGE_LAW_DATA=")):
            assert line.split("=", 1)[1].startswith("/var/lib/dunning-bridge/"), line
    assert settings["ExecStartPre"][0].split()[1:3] == ["doctor", "--start"]
    assert settings["RestrictAddressFamilies"] == ["AF_INET AF_INET6 AF_UNIX"]
    assert settings["MemoryDenyWriteExecute"] == ["true"]
    assert settings["UMask"] == ["0077"]


_MDWE_RUN = """
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    sys.exit(77)
import mmap
try:
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
except OSError:
    pass
else:
    sys.exit(78)  # the kernel did not enforce it: the run below would prove nothing
from bridge.surfaces.cli import app
for args in (line.split("\\t") for line in sys.argv[1:]):
    try:
        app(args, standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
"""


def test_python_and_the_bridge_run_without_writable_executable_memory(tmp_path: Path) -> None:
    """MemoryDenyWriteExecute=true: the kernel's PR_SET_MDWE is the same rule, per process."""
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "prctl"):
        pytest.skip("no prctl on this system")
    state = tmp_path / "demo"
    commands = (
        ["demo", "--state", str(state), "--today", "2026-03-16"],
        ["report", "--demo", str(state), "--html", str(tmp_path / "r.html")],
    )
    result = subprocess.run(
        [sys.executable, "-c", _MDWE_RUN, *("\t".join(c) for c in commands)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=120,
    )
    if result.returncode == 77:
        pytest.skip("the kernel has no PR_SET_MDWE (Linux 6.3+)")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "r.html").stat().st_size > 0


def test_init_writes_the_three_examples_for_this_installation(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder"
    result = runner.invoke(app, ["init", "--dir", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == sorted(EXAMPLES)
    unit = (target / "dunning-bridge.service").read_text(encoding="utf-8")
    assert DOCUMENTED_EXECUTABLE not in unit
    executable = Path(sys.executable).parent / "dunning-bridge"
    assert f"ExecStart={executable} run --env-file" in unit
    assert f"ExecStartPre={executable} doctor --start" in unit
    for name in EXAMPLES:
        text = (target / name).read_text(encoding="utf-8")
        assert text.startswith(f"# Written by dunning-bridge {__version__}")
        shipped = (REPO / "examples" / name).read_text(encoding="utf-8")
        if name != "dunning-bridge.service":
            assert text.endswith(shipped)


def test_init_keeps_existing_files_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "policy.toml").write_text("mine\n", encoding="utf-8")
    refused = runner.invoke(app, ["init", "--dir", str(tmp_path)])
    assert refused.exit_code == 2
    assert "policy.toml exists" in refused.output
    assert "--force" in refused.output
    # Nothing written at all: the check comes before the first file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.toml"]
    assert (tmp_path / "policy.toml").read_text(encoding="utf-8") == "mine\n"
    forced = runner.invoke(app, ["init", "--dir", str(tmp_path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "mine" not in (tmp_path / "policy.toml").read_text(encoding="utf-8")


def test_init_refuses_a_file_as_its_folder(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["init", "--dir", str(tmp_path / "afile")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output
    (tmp_path / "d" / "bridge.env").mkdir(parents=True)
    result = runner.invoke(app, ["init", "--dir", str(tmp_path / "d"), "--force"])
    assert result.exit_code == 2
    assert "bridge.env is a folder" in result.output


def test_init_quotes_an_executable_path_with_a_space(tmp_path: Path) -> None:
    write_examples(tmp_path, force=False, executable=Path("/opt/my bridge/bin/dunning-bridge"))
    unit = (tmp_path / "dunning-bridge.service").read_text(encoding="utf-8")
    assert 'ExecStart="/opt/my bridge/bin/dunning-bridge" run' in unit


def test_pyproject_puts_the_examples_in_the_wheel() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included == {"examples": "bridge/examples"}


def test_built_wheel_carries_the_examples(tmp_path: Path) -> None:
    """Build the wheel once (pip fetches hatchling: skipped when no package index answers)."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    if result.returncode != 0:
        pytest.skip(f"the wheel could not be built here: {result.stderr.strip()[-200:]}")
    wheel = next(tmp_path.glob("dunning_bridge-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in EXAMPLES:
        assert f"bridge/examples/{name}" in names
