"""`dunning-bridge init`: the example env file, policy and systemd unit, for this installation.

The three files ship inside the package (bridge/examples in the wheel, examples/ in a source
checkout), so a user who installed with pip gets the same files as one who cloned the
repository. The unit is rewritten to start the executable of the installation that runs
`init`, and each file says which version wrote it.
"""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from bridge import __version__
from bridge.vocab.errors import ConfigError

ENV_FILE = "bridge.env"
POLICY_FILE = "policy.toml"
UNIT_FILE = "dunning-bridge.service"
EXAMPLES = (ENV_FILE, POLICY_FILE, UNIT_FILE)

# The executable the shipped unit names: the install of docs/operations.md.
DOCUMENTED_EXECUTABLE = "/opt/dunning-bridge/.venv/bin/dunning-bridge"


def _examples_folder() -> Traversable:
    """The folder of the example files: in the wheel, or the checkout's examples/."""
    packaged = resources.files("bridge") / "examples"
    if packaged.is_dir():
        return packaged
    # An editable install or a source tree: the files sit beside the package, not inside it.
    return Path(__file__).resolve().parents[2] / "examples"


def example_text(name: str) -> str:
    """The shipped text of one example file."""
    if name not in EXAMPLES:
        raise ConfigError(f"no example file {name!r}; there are {', '.join(EXAMPLES)}")
    source = _examples_folder() / name
    if not source.is_file():
        raise ConfigError(f"the installation lacks its example file {name} (reinstall it)")
    return source.read_text(encoding="utf-8")


def installed_executable() -> Path:
    """The `dunning-bridge` executable of the running installation (absolute)."""
    beside_python = Path(sys.executable).parent / "dunning-bridge"
    if beside_python.is_file():
        return beside_python.absolute()
    found = shutil.which("dunning-bridge")
    if found:
        return Path(found).absolute()
    return Path(DOCUMENTED_EXECUTABLE)


def _exec_path(executable: Path) -> str:
    """The executable as systemd reads it: quoted when it holds a space."""
    text = str(executable)
    if '"' in text or "\\" in text or "\n" in text:
        raise ConfigError(f"cannot name {text!r} in a systemd unit; install to a plainer path")
    return f'"{text}"' if " " in text else text


def render(name: str, executable: Path) -> str:
    """One example file as `init` writes it: versioned, the unit naming ``executable``."""
    text = example_text(name)
    if name == UNIT_FILE:
        text = text.replace(DOCUMENTED_EXECUTABLE, _exec_path(executable))
    return f"# Written by dunning-bridge {__version__} (dunning-bridge init).\n{text}"


def write_examples(folder: Path, *, force: bool, executable: Path | None = None) -> list[Path]:
    """Write the three example files into ``folder``; return their paths.

    Refuses to replace an existing file unless ``force``, and checks every path before
    writing any, so a refusal leaves the folder as it was.
    """
    executable = executable or installed_executable()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder; give --dir a folder to write the examples")
    targets = [folder / name for name in EXAMPLES]
    for target in targets:
        if target.is_dir():
            raise ConfigError(f"{target} is a folder; remove it or choose another --dir")
        if target.exists() and not force:
            raise ConfigError(f"{target} exists; keep it, or replace it with --force")
    texts = {target: render(target.name, executable) for target in targets}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target, text in texts.items():
            target.write_text(text, encoding="utf-8")
    except PermissionError:
        raise ConfigError(
            f"cannot write into {folder}: permission denied; choose a folder you may write "
            "(--dir), or run as its owner"
        ) from None
    return targets
