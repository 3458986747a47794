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

FACTORY = Path(__file__).with_name("factory.py")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_LAUNCHER = ("-m", "ipykernel_launcher")


class FactoryError(RuntimeError):
    """The factory could not fork a kernel; the caller launches one the ordinary way."""


class KernelFactory:
    """A factory process with the kernel's modules loaded, forking one kernel per request."""

    def __init__(self) -> None:
        env = dict(os.environ)
        # matplotlib reads its backend at import: give it the one ipykernel would set.
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        self.process = subprocess.Popen(
            # Run by path, not as a module: importing the package would load course_helpers
            # (and its guard) into every kernel before the notebook's setup cell does.
            [sys.executable, str(FACTORY)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd="/", env=env, start_new_session=True)

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
        return reply["pid"]

    def close(self) -> None:
        """Stop the factory; kernels it forked notice and stop too."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


_factory: KernelFactory | None = None


def forking_supported() -> bool:
    """Whether kernels may be forked here: Linux only (macOS libraries are not fork-safe)."""
    return sys.platform.startswith("linux")


def start_factory() -> KernelFactory | None:
    """Start this process's kernel factory (a grading worker calls this once).

    Where forking is not supported there is none, and kernels start the ordinary way.
    """
    global _factory
    if _factory is None and forking_supported():
        _factory = KernelFactory()
    return _factory


def stop_factory() -> None:
    global _factory
    if _factory is not None:
        _factory.close()
        _factory = None


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
        if _factory is None or args is None:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = dict(kwargs.get("env") or os.environ)
        try:
            pid = _factory.fork(args, cwd, env)
        except FactoryError:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
        # The fork starts a session of its own, as jupyter_client's launcher does.
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


class WarmKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, launching through :class:`WarmProvisioner`."""

    async def _async_pre_start_kernel(self, **kw: Any):  # type: ignore[override]
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = WarmProvisioner(kernel_id=self.kernel_id,
                                               kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)
