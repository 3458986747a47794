"""Warm kernels: each grading worker imports torch once and forks a kernel per submission.

A fresh kernel spends most of its start importing ipykernel and torch, and the first
optimizer step imports ``torch._dynamo`` as well: together more than most lessons take to
run. A *kernel factory* process imports them once; every submission's kernel is a fork of
it, started in the submission's own empty folder with the environment jupyter_client gives
it. The factory never runs notebook code, and forks share nothing writable, so each kernel
starts as clean as a fresh one.

jupyter_client still manages every kernel (connection file, ports, interrupts, shutdown):
only the launch is replaced, through a provisioner that falls back to an ordinary launch
when there is no factory or the kernel is not this Python's ipykernel.

When grading, the factory runs inside the grading sandbox (:mod:`.sandbox`) as the first
process of its namespace, so every kernel it forks is sandboxed too; an ordinary launch is
then wrapped in a sandbox of its own. A sandboxed kernel talks to the grader through Unix
sockets in its own folder, since it has no network.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from course_helpers.classroom import sandbox

FACTORY = Path(__file__).with_name("factory.py")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_LAUNCHER = ("-m", "ipykernel_launcher")


class FactoryError(RuntimeError):
    """The factory could not fork a kernel; the caller launches one the ordinary way."""


class KernelFactory:
    """A factory process with the kernel's modules loaded, forking one kernel per request.

    With a ``home`` folder it runs sandboxed, and can fork kernels only into that folder.
    """

    def __init__(self, home: Path | None = None) -> None:
        env = dict(os.environ)
        self.home = home.resolve() if home is not None else None
        command = [sys.executable, str(FACTORY)]
        if self.home is not None:
            env = sandbox.kernel_environment(env, self.home)
            env["MPLCONFIGDIR"] = str(_matplotlib_folder(self.home))
            command = sandbox.bwrap_arguments(self.home, init=True) + command
        # matplotlib reads its backend at import: give it the one ipykernel would set.
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        self.process = subprocess.Popen(
            # Run by path, not as a module: importing the package would load course_helpers
            # (and its guard) into every kernel before the notebook's setup cell does.
            command,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=str(self.home or "/"), env=env, start_new_session=True)
        self.init: int | None = None        # the factory's own pid, seen from here
        self.namespace: str | None = None   # its PID namespace
        if self.home is not None:
            self.init = sandbox.child_of(self.process.pid)
            self.namespace = sandbox.namespace_of(self.init) if self.init else None

    def holds(self, folder: str) -> bool:
        """Whether a kernel started in ``folder`` can be forked from this factory."""
        if self.home is None:
            return True
        where = Path(folder).resolve()
        return self.namespace is not None and self.home in where.parents

    def outside_pid(self, pid: int) -> int:
        """The pid the grader sees for a process the factory names by its sandbox pid."""
        if self.namespace is None:
            return pid
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = sandbox.members(self.namespace).get(pid)
            if found is not None:
                return found
            time.sleep(0.01)
        raise FactoryError("the forked kernel is not in the sandbox")

    def reset(self) -> bool:
        """Between submissions: stop what the last one left running and empty the folder.

        False when a process could not be stopped; the factory must then be replaced.
        """
        if self.home is None or self.namespace is None or self.init is None:
            return True
        cleared = sandbox.clear(self.namespace, keep=1)
        sandbox.empty_folder(self.home)
        # The sandbox's /dev/shm is its own, but kernels of one factory share it.
        sandbox.empty_folder(Path(f"/proc/{self.init}/root/dev/shm"))
        return cleared and self.process.poll() is None

    def fork(self, args: list[str], cwd: str, env: dict[str, str]) -> int:
        """Start a kernel with ipykernel arguments ``args``; return its process id."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = json.dumps({"args": args, "cwd": cwd, "env": env}) + "\n"
        try:
            self.process.stdin.write(request.encode())
            self.process.stdin.flush()
            reply = json.loads(self.process.stdout.readline() or b"{}")
        except (OSError, ValueError) as error:
            raise FactoryError(str(error)) from error
        if not isinstance(reply.get("pid"), int):
            raise FactoryError(reply.get("error", "the kernel factory has stopped"))
        return self.outside_pid(reply["pid"])

    def close(self) -> None:
        """Stop the factory; kernels it forked notice and stop too."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def _matplotlib_folder(home: Path) -> Path:
    """A writable matplotlib folder for the factory, seeded with the grader's font list.

    Without the font list matplotlib would search every font again in each new factory.
    """
    folder = home / ".factory-matplotlib"
    folder.mkdir(parents=True, exist_ok=True)
    cache = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    for found in Path(cache).glob("fontlist-*.json"):
        shutil.copy2(found, folder / found.name)
    return folder


_factory: KernelFactory | None = None
_sandboxed = False


def forking_supported() -> bool:
    """Whether kernels may be forked here: Linux only (macOS libraries are not fork-safe)."""
    return sys.platform.startswith("linux")


def start_factory(home: Path | None = None) -> KernelFactory | None:
    """Start this process's kernel factory (a grading worker calls this once).

    With ``home``, kernels are sandboxed (where the sandbox can run) and start inside that
    folder. Where forking is not supported there is no factory, and kernels start the
    ordinary way, sandboxed all the same.
    """
    global _factory, _sandboxed
    _sandboxed = home is not None and sandbox.available()
    if _factory is None and forking_supported():
        _factory = KernelFactory(home if _sandboxed else None)
    return _factory


def stop_factory() -> None:
    global _factory, _sandboxed
    if _factory is not None:
        _factory.close()
        _factory = None
    _sandboxed = False


def reset_factory() -> None:
    """Between two submissions: nothing of the first may remain for the second to meet."""
    global _factory
    if _factory is not None and not _factory.reset():
        home = _factory.home
        _factory.close()
        _factory = KernelFactory(home)


def sandboxed() -> bool:
    """Whether this process's kernels start in the grading sandbox."""
    return _sandboxed


class ForkedKernel:
    """The parts of ``subprocess.Popen`` jupyter_client uses, for a kernel the factory forked.

    The factory, not this process, is the kernel's parent and reaps it, so whether it still
    runs is read from ``/proc``.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not _running(self.pid):
            self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.05)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def kernel_arguments(cmd: list[str]) -> list[str] | None:
    """The ipykernel arguments in ``cmd``, if it starts ipykernel on this very Python."""
    if len(cmd) < 3 or tuple(cmd[1:3]) != _LAUNCHER:
        return None
    program = shutil.which(cmd[0])
    if program is None or os.path.realpath(program) != os.path.realpath(sys.executable):
        return None
    return cmd[3:]


class WarmProvisioner(LocalProvisioner):
    """Launch the kernel as a fork of this process's factory, or the ordinary way."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):  # type: ignore[override]
        args = kernel_arguments(cmd)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = dict(kwargs.get("env") or os.environ)
        if _sandboxed:
            env = sandbox.kernel_environment(env, Path(cwd).resolve())
        if _factory is not None and args is not None and _factory.holds(cwd):
            try:
                pid = _factory.fork(args, cwd, env)
            except FactoryError:
                pass
            else:
                self.process = ForkedKernel(pid)  # type: ignore[assignment]
                # The fork starts a session of its own, as jupyter_client's launcher does.
                self.pid = self.pgid = pid
                self.cwd = cwd
                return self.connection_info
        if not _sandboxed:
            return await super().launch_kernel(cmd, **kwargs)
        # A sandbox of its own around the kernel's folder, the kernel its first process.
        cmd = sandbox.bwrap_arguments(Path(cwd), init=True) + cmd
        info = await super().launch_kernel(cmd, **{**kwargs, "env": env})
        inner = sandbox.child_of(self.pid) if self.pid else None
        if inner is not None:
            # Interrupts go to the kernel (a session of its own), not to bwrap, which
            # would end the sandbox.
            self.pid = self.pgid = inner
        return info


class WarmKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, launching through :class:`WarmProvisioner`."""

    async def _async_pre_start_kernel(self, **kw: Any):  # type: ignore[override]
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = WarmProvisioner(kernel_id=self.kernel_id,
                                               kernel_spec=self.kernel_spec, parent=self)
        if _sandboxed:
            # No network in the sandbox: Unix sockets and the connection file in its folder.
            folder = Path(str(kw.get("cwd") or os.getcwd())).resolve()
            self.cache_ports = False
            self.transport = "ipc"
            self.connection_file = str(folder / "kernel.json")
            self.ip = str(folder / "kernel-ipc")
        return await super()._async_pre_start_kernel(**kw)
