"""The grading sandbox: a submission's kernel sees its own folder and Python, nothing else.

Built on bubblewrap (``bwrap``), the sandbox Flatpak uses: a kernel runs in new user, mount,
PID, network, IPC and UTS namespaces with every capability dropped. Its file system holds only
the system's programs and libraries, the Python installation (the course package without its
answer key, which an empty folder covers) and one writable folder, each
bound at its own path, all read-only but that folder. It has no
network (it talks to the grader through Unix sockets in its folder), sees only its own
processes, cannot create user namespaces of its own, and dies with its grading worker.

Where bubblewrap cannot run (macOS, Windows, a Linux without unprivileged user namespaces),
grading goes on without the sandbox and says so; the README lists what is then not defended.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterable
from pathlib import Path

from course_helpers.i18n import Message, msg

# System folders a Python kernel needs; on merged-/usr systems most are symbolic links.
_SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
# From /etc, only what the dynamic linker, time zones, user lookups and fonts read.
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
        "nsswitch.conf", "fonts", "alternatives")
_NAMESPACES = ("--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net",
               "--unshare-uts", "--unshare-cgroup-try")


def _course_package() -> Path:
    return Path(__file__).resolve().parents[1]


def python_folders() -> list[Path]:
    """The Python installation and the course package, without anything else of the course.

    ``sys.path`` is not used: it may hold the folder a command was started in, which for an
    instructor is the course itself, with ``solutions/`` and the gradebook.
    """
    folders = {Path(p).resolve() for p in (sys.base_prefix, sys.base_exec_prefix, sys.prefix,
                                           sys.exec_prefix)}
    folders |= {Path(p).resolve() for p in sysconfig.get_paths().values() if os.path.isdir(p)}
    folders.add(_course_package())
    return _outermost(folders)


def _outermost(folders: Iterable[Path]) -> list[Path]:
    kept: list[Path] = []
    for folder in sorted(set(folders), key=lambda p: len(p.parts)):
        if not any(folder == k or k in folder.parents for k in kept):
            kept.append(folder)
    return kept


def _system_binds() -> list[str]:
    args: list[str] = []
    for name in _SYSTEM:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in _ETC:
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def bwrap_arguments(home: Path, *, init: bool) -> list[str]:
    """bwrap's options for a sandbox whose one writable folder is ``home``.

    ``init`` makes the sandboxed program PID 1 of its namespace: processes inside cannot
    signal it, and when it ends the kernel ends every process left inside.
    """
    home = home.resolve()
    args = ["bwrap", *_NAMESPACES, "--die-with-parent", "--cap-drop", "ALL"]
    if _supports("--disable-userns"):
        args.append("--disable-userns")
    if init:
        # A fresh session: no terminal to write into. Only the factory gets one, because an
        # ordinary kernel is interrupted through the process group jupyter_client knows.
        args += ["--as-pid-1", "--new-session"]
    args += _system_binds()
    usr = Path("/usr")
    for folder in python_folders():
        if usr not in folder.parents and folder != usr:
            args += ["--ro-bind", str(folder), str(folder)]
    for folder in hidden_folders():
        # An empty, read-only folder over the answer key.
        args += ["--tmpfs", str(folder), "--remount-ro", str(folder)]
    args += ["--proc", "/proc", "--dev", "/dev", "--bind", str(home), str(home),
             "--remount-ro", "/", "--chdir", str(home)]
    return args


# Only the judge reads the key (references, hidden expectations). The kernel keeps the
# lessons, checks and check data, and the grading code, which holds no secret (the judge's
# secret lives in the course folder, which the sandbox does not show).
HIDDEN = ("key",)


def hidden_folders() -> list[Path]:
    """The course package's folders a grading kernel must not see."""
    package = _course_package()
    return [package / name for name in HIDDEN if (package / name).is_dir()]


@functools.cache
def _supports(option: str) -> bool:
    try:
        shown = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return option in shown.stdout + shown.stderr


@functools.cache
def unavailable() -> Message | None:
    """Why bubblewrap cannot make a sandbox on this machine, or None when it can."""
    if not sys.platform.startswith("linux"):
        return msg("grading.sandbox.not_linux", platform=sys.platform)
    if shutil.which("bwrap") is None:
        return msg("grading.sandbox.no_bwrap")
    probe = Path(sysconfig.get_paths()["purelib"]).resolve()
    try:
        done = subprocess.run([*bwrap_arguments(probe, init=True), sys.executable, "-c", ""],
                              capture_output=True, text=True, timeout=60, env=_probe_env())
    except (OSError, subprocess.SubprocessError) as error:
        return msg("grading.sandbox.refused", detail=str(error)[:200])
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        return msg("grading.sandbox.refused", detail=lines[-1][:200])
    return None


def available() -> bool:
    """Whether bubblewrap is installed and can make a sandbox on this machine."""
    return unavailable() is None


def _probe_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


# What a kernel may keep of the grader's environment: language, threads, plotting, the course.
_KEPT = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "PYTHONIOENCODING", "PYTHONHASHSEED",
         "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
         "OPENBLAS_L2_SIZE", "MPLBACKEND",
         # nbgrader says which step runs the notebook (widgets draw nothing under autograde).
         "NBGRADER_EXECUTION", "NBGRADER_VALIDATING")
_KEPT_PREFIXES = ("LC_", "COURSE_", "JPY_", "PYDEVD_")


def kernel_environment(env: dict[str, str], folder: Path) -> dict[str, str]:
    """The kernel's environment: none of the grader's secrets, every home in ``folder``."""
    kept = {k: v for k, v in env.items() if k in _KEPT or k.startswith(_KEPT_PREFIXES)}
    where = str(folder)
    kept.update({
        "HOME": where, "TMPDIR": where, "MPLCONFIGDIR": where, "IPYTHONDIR": f"{where}/.ipython",
        "XDG_CACHE_HOME": f"{where}/.cache", "XDG_CONFIG_HOME": f"{where}/.config",
        "JUPYTER_CONFIG_DIR": f"{where}/.jupyter", "JUPYTER_DATA_DIR": f"{where}/.jupyter",
        "JUPYTER_RUNTIME_DIR": f"{where}/.jupyter", "USER": "student", "LOGNAME": "student",
    })
    kept.setdefault("PATH", "/usr/bin:/bin")
    return kept


def namespace_of(pid: int) -> str | None:
    """The PID namespace a process lives in (``pid:[…]``), or None when it is gone."""
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def members(namespace: str) -> dict[int, int]:
    """Every process in a PID namespace: its pid inside mapped to its pid here."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or namespace_of(int(entry.name)) != namespace:
            continue
        ids = _status(int(entry.name)).get("NSpid", "").split()
        if ids:
            found[int(ids[-1])] = int(ids[0])
    return found


def child_of(parent: int, timeout: float = 30.0) -> int | None:
    """The first child process of ``parent`` (bwrap's sandboxed program), waiting for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            return None
        if children:
            return int(children[0])
        time.sleep(0.01)
    return None


def clear(namespace: str, keep: int, rounds: int = 50) -> bool:
    """Kill every process of the sandbox but ``keep`` (its PID 1); False if some survive."""
    for _ in range(rounds):
        left = [pid for inner, pid in members(namespace).items() if inner != keep]
        if not left:
            return True
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)
    return not [p for inner, p in members(namespace).items() if inner != keep]


def empty_folder(folder: Path) -> None:
    """Remove what a submission left in ``folder``, keeping the folder itself."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except OSError:
                pass
