"""Follow docs/operations.md's install steps, in order, in a temporary root; fail on any step.

    python scripts/install_check.py [--full] [--keep] [--without-root] [--doc PAGE]

The commands are read from the ```sh blocks of the sections "Install", "Secrets on a headless
server" and "Check, then start", so the check and the docs cannot disagree: a command the
check does not know fails it. Every path under /etc, /var/lib and /opt is moved under the
temporary root. As root, the system user is created there (`useradd --prefix`) and the
`sudo -u dunning-bridge` commands run under its id (setpriv), so file owners and modes are
the documented ones. Not root: the current user stands in for the service user and `install
-o/-g` keep the current owner.

What cannot run in a temporary root is done as close as it allows, and said so:
- `git clone` copies the repository's tracked files as they are in the working tree;
- `pip install` (without --full) links the running environment's packages into the new venv
  instead of downloading them (--full installs for real: minutes, needs the package index);
- the edit of bridge.env (prose in the docs) moves its paths under the root and points the
  tenant at the embedded sandbox instead of the vendor (no network here);
- `secrets set` reads the value with --stdin instead of the prompt;
- `systemctl enable --now` runs the installed unit's ExecStartPre as the service user;
  `journalctl` is skipped.
Exit 0 when every step passed; the steps are printed as they run.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "operations.md"
SECTIONS = ("Install", "Secrets on a headless server", "Check, then start")
MOVED = ("/etc/", "/var/lib/", "/opt/")
USER = "dunning-bridge"
FAKE_TOKEN = "install-check-token-0123456789"  # noqa: S105 (a stand-in, not a secret)


class StepFailed(Exception):
    """A documented step did not do what the docs say."""


def documented_commands(doc: Path = DOC) -> list[str]:
    """The shell commands of the install sections, continuation lines joined, in order."""
    commands: list[str] = []
    section = ""
    in_block = False
    pending = ""
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        if line.startswith("```"):
            in_block = line.strip() == "```sh" and not in_block
            continue
        if not in_block or not section.startswith(SECTIONS):
            continue
        text = line.split(" #", 1)[0].rstrip() if not line.lstrip().startswith("#") else ""
        if not text and not pending:
            continue
        if text.endswith("\\"):
            pending += text[:-1].strip() + " "
            continue
        commands.append((pending + text.strip()).strip())
        pending = ""
    return commands


@dataclass
class Root:
    """The temporary root and who the service user is in it."""

    path: Path
    full: bool
    as_root: bool
    uid: int = field(default_factory=os.getuid)
    gid: int = field(default_factory=os.getgid)
    cwd: Path | None = None
    python: str = sys.executable

    def moved(self, word: str) -> str:
        """A documented absolute path under the temporary root; other words unchanged."""
        for prefix in MOVED:
            if word.startswith(prefix) or word == prefix.rstrip("/"):
                return str(self.path) + word
        return word

    def as_user(self) -> list[str]:
        """The prefix that runs a command as the service user."""
        if not self.as_root:
            return []
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]


def say(text: str) -> None:
    print(text, flush=True)


def run(
    argv: list[str],
    *,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    expect: int = 0,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        argv, cwd=cwd, input=stdin, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != expect:
        raise StepFailed(
            f"{shlex.join(argv)} exited {result.returncode}, expected {expect}\n"
            f"{result.stdout}{result.stderr}"
        )
    if "Traceback" in result.stderr:
        raise StepFailed(f"{shlex.join(argv)} printed a traceback:\n{result.stderr}")
    return result


def _prepare_etc(root: Root) -> None:
    """The few files useradd --prefix needs in a fresh root."""
    etc = root.path / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n", encoding="utf-8")
    (etc / "group").write_text("root:x:0:\n", encoding="utf-8")
    (etc / "shadow").write_text("root:*:20000:0:99999:7:::\n", encoding="utf-8")
    (etc / "gshadow").write_text("root:*::\n", encoding="utf-8")
    for name in ("shadow", "gshadow"):
        (etc / name).chmod(0o600)
    if Path("/etc/login.defs").is_file():  # a fresh Debian root has it: a group per user
        shutil.copy2("/etc/login.defs", etc / "login.defs")


def step_useradd(root: Root, words: list[str]) -> None:
    if words[0] != "useradd" or words[-1] != USER:
        raise StepFailed(f"unexpected user step: {shlex.join(words)}")
    if not root.as_root:
        say("   not root: the current user stands in for the system user")
        return
    _prepare_etc(root)
    run(["useradd", "--prefix", str(root.path), *words[1:]])
    entry = next(
        line.split(":")
        for line in (root.path / "etc/passwd").read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{USER}:")
    )
    root.uid, root.gid = int(entry[2]), int(entry[3])
    home = root.path / entry[5].lstrip("/")
    if home.exists():
        raise StepFailed(f"useradd created {home}; the docs assume it does not")
    say(f"   {USER} is uid {root.uid}, gid {root.gid}; its home {entry[5]} does not exist yet")


def missing_folder_is_explained(root: Root) -> None:
    """Without the folder step, `secrets set` must name the folder and the fix (issue 19)."""
    if not root.as_root:
        return  # the current user may write anywhere in the temporary root
    missing = f"{root.path}/var/lib/not-created"
    result = subprocess.run(
        [
            *root.as_user(),
            "env",
            "-i",
            f"PATH={os.environ['PATH']}",
            f"XDG_DATA_HOME={missing}",
            f"HOME={missing}",
            f"{root.path}/opt/dunning-bridge/.venv/bin/dunning-bridge",
            "secrets",
            "set",
            "kontor",
            "app_secret_token",
            "--stdin",
            "--env-file",
            f"{root.path}/etc/dunning-bridge/bridge.env",
        ],
        input=FAKE_TOKEN + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    if (
        result.returncode != 2
        or "Traceback" in result.stderr
        or (
            f"{missing}: Permission denied" not in result.stderr
            or "install -d -m 0700" not in result.stderr
        )
    ):
        raise StepFailed(
            "secrets set into a folder that was not created should name it and the fix:\n"
            + result.stderr
        )
    say("   checked: without the folder step, secrets set names the folder and the fix")


def step_clone(root: Root, words: list[str]) -> None:
    dest = Path(root.moved(words[-1]))
    listed = run(["git", "ls-files", "-z"], cwd=REPO).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if not source.is_file():
            continue  # deleted in the working tree
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    say(f"   copied {len([n for n in listed if n])} tracked files to {dest}")


def step_venv(root: Root, words: list[str]) -> None:
    assert root.cwd is not None
    flags = [] if root.full else ["--without-pip"]
    run([root.python, "-m", "venv", *flags, *words[3:]], cwd=root.cwd)


def step_pip(root: Root, words: list[str]) -> None:
    assert root.cwd is not None
    if root.full:
        run([str(root.cwd / words[0]), *words[1:]], cwd=root.cwd)
        return
    # Link instead of download: the clone first (its code is what runs), then the packages of
    # the environment running this check, as pip would have installed them.
    venv = root.cwd / ".venv"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    packages = venv / "lib" / version / "site-packages"
    lines = [str(root.cwd)] + [
        f"import site; site.addsitedir({p!r})" for p in site.getsitepackages()
    ]
    (packages / "install_check_links.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = venv / "bin" / "dunning-bridge"
    script.write_text(
        f"#!{venv}/bin/python\nimport sys\n"
        "from bridge.surfaces.cli import main\nsys.exit(main())\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    say("   linked the running environment's packages (--full installs them with pip)")


def step_install(root: Root, words: list[str]) -> None:
    argv: list[str] = []
    owners = {"root": "0", USER: ""}
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-o", "-g"):
            name = words[i + 1]
            if root.as_root:
                number = owners[name] or str(root.uid if word == "-o" else root.gid)
                argv += [word, number]
            i += 2
            continue
        argv.append(root.moved(word))
        i += 1
    run(argv, cwd=root.cwd)


def edit_env_file(root: Root) -> None:
    """The docs' "Edit bridge.env": paths under the root, the tenant on the embedded sandbox."""
    env_file = root.path / "etc/dunning-bridge/bridge.env"
    text = env_file.read_text(encoding="utf-8")
    for prefix in MOVED:
        text = re.sub(rf"(?<=[=\s]){re.escape(prefix)}", f"{root.path}{prefix}", text)
    text += (
        f"BRIDGE_TENANTS__KONTOR__SANDBOX_STATE={root.path}/var/lib/dunning-bridge/sandbox.json\n"
    )
    env_file.write_text(text, encoding="utf-8")
    say("   edited bridge.env: paths under the root, tenant kontor on the embedded sandbox")


def step_as_user(root: Root, words: list[str]) -> None:
    if words[:2] != ["-u", USER]:
        raise StepFailed(f"unexpected sudo form: {shlex.join(words)}")
    words = [root.moved(w) if "=" not in w else _moved_assignment(root, w) for w in words[2:]]
    assignments = [w for w in words if "=" in w.split("/", 1)[0]]
    argv = words[len(assignments) :]
    stdin = None
    if argv[1:3] == ["secrets", "set"]:
        argv.append("--stdin")
        stdin = FAKE_TOKEN + "\n"
    home = f"HOME={root.path}/var/lib/dunning-bridge"
    run(
        [*root.as_user(), "env", "-i", f"PATH={os.environ['PATH']}", home, *assignments, *argv],
        stdin=stdin,
        cwd=root.path,
    )


def _moved_assignment(root: Root, word: str) -> str:
    name, _, value = word.partition("=")
    return f"{name}={root.moved(value)}"


def step_systemctl(root: Root, words: list[str]) -> None:
    unit = root.path / "etc/systemd/system/dunning-bridge.service"
    text = unit.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("ExecStartPre="))
    argv = [root.moved(w) for w in shlex.split(line.split("=", 1)[1])]
    data = f"XDG_DATA_HOME={root.path}/var/lib/dunning-bridge"
    home = f"HOME={root.path}/var/lib/dunning-bridge"
    run(
        [*root.as_user(), "env", "-i", f"PATH={os.environ['PATH']}", home, data, *argv],
        cwd=root.path,
    )
    say("   (no systemd in a temporary root: ran the unit's ExecStartPre as the service user)")


def check_result(root: Root) -> None:
    """The state folder and the keyring as the docs describe them."""
    state = root.path / "var/lib/dunning-bridge"
    mode = state.stat().st_mode & 0o777
    if mode != 0o700 or (root.as_root and state.stat().st_uid != root.uid):
        raise StepFailed(f"{state} is mode {mode:o}, uid {state.stat().st_uid}")
    ring = state / "python_keyring" / "keyring_pass.cfg"
    if not ring.is_file() or "agreement_5fgrant_5ftoken" not in ring.read_text(encoding="utf-8"):
        raise StepFailed(f"the secrets are not in {ring}")
    if root.as_root and ring.stat().st_uid != root.uid:
        raise StepFailed(f"{ring} belongs to uid {ring.stat().st_uid}, not the service user")
    if not (state / "state.sqlite3").is_file():
        raise StepFailed(f"no database in {state}")
    say(f"   {state}: 0700, the service user's; keyring file and database inside")


def service_python() -> str:
    """An interpreter the service user can run (pyenv's may live in root's 0700 home)."""
    candidates = [sys.executable, "/usr/bin/python3"]
    for candidate in candidates:
        probe = subprocess.run(
            # Through env: setpriv's own exec still passes root's folders; its children do not.
            [  # noqa: S607 (setpriv and env from PATH, as the docs run sudo)
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "env",
                candidate,
                "-c",
                "import sys; print(sys.version_info[:2])",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == str(sys.version_info[:2]):
            return candidate
    raise StepFailed(f"no Python {sys.version_info[:2]} that another user may run")


def follow(root: Root, doc: Path = DOC) -> int:
    commands = documented_commands(doc)
    if not commands:
        raise StepFailed(f"no commands found in {doc}")
    for number, command in enumerate(commands, 1):
        say(f"{number:2}. {command}")
        words = shlex.split(command.replace("<your copy of this repository>", "REPO"))
        if words[0] == "sudo":
            words = words[1:]
        head = words[0]
        if head == "useradd":
            step_useradd(root, words)
        elif head == "git" and words[1] == "clone":
            step_clone(root, words)
        elif head == "cd":
            root.cwd = Path(root.moved(words[1]))
        elif words[1:3] == ["-m", "venv"]:
            step_venv(root, words)
        elif head.endswith("/pip") and words[1] == "install":
            step_pip(root, words)
        elif head == "install":
            step_install(root, words)
            if words[-1].endswith("/bridge.env"):
                edit_env_file(root)
        elif head == "-u":
            step_as_user(root, words)
        elif head == "systemctl":
            step_systemctl(root, words)
        elif head == "journalctl":
            say("   skipped: no journal in a temporary root")
        else:
            raise StepFailed(f"a step this check does not know: {command}")
    check_result(root)
    missing_folder_is_explained(root)
    return len(commands)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="pip install for real (slow)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary root")
    parser.add_argument("--doc", type=Path, default=DOC, help="the page to follow")
    parser.add_argument(
        "--without-root", action="store_true", help="check as a user who cannot be root does"
    )
    args = parser.parse_args()
    as_root = os.geteuid() == 0 and shutil.which("useradd") is not None and not args.without_root
    base = Path(tempfile.mkdtemp(prefix="dunning-bridge-root-"))
    base.chmod(0o755)  # the service user walks through it, as through /
    for folder in ("etc/systemd/system", "var/lib", "opt"):  # there on any systemd server
        (base / folder).mkdir(parents=True)
    try:
        python = service_python() if as_root else sys.executable
        root = Root(path=base, full=args.full, as_root=as_root, python=python)
        say(
            f"root {base} ({'as root' if as_root else 'not root'}, "
            f"{'pip install' if args.full else 'linked packages'})"
        )
        count = follow(root, args.doc)
    except StepFailed as exc:
        say(f"FAILED: {exc}")
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    say(f"install check passed: {count} documented steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
