"""The kernel factory process: load a kernel's modules once, then fork a kernel per request.

Run as a script by :class:`course_helpers.classroom.kernels.KernelFactory`, reading one JSON
request per line on stdin (ipykernel arguments, folder, environment) and answering with the
new kernel's process id on stdout. It imports nothing from the course: ``course_helpers``
must first load in the kernel itself, when the notebook's setup cell imports it.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
from typing import Any

# What a lesson's setup cell and first optimizer step import. Not matplotlib_inline: it hooks
# into IPython when imported, and there is no IPython here yet.
PRELOAD = (
    "numpy", "torch", "torch.optim", "torch._dynamo", "matplotlib.pyplot", "ipywidgets",
    "ipykernel.kernelapp", "ipykernel.ipkernel",
)
_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4


def _prctl(option: int, value: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value)
    except (OSError, AttributeError):
        pass  # not Linux


def _reap(*_: Any) -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _die_with(factory: int) -> None:
    """Have the kernel killed when the factory ends (it ends with its grading worker)."""
    # Elsewhere than Linux, ipykernel's own parent polling still stops the kernel.
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != factory:  # the factory ended before the line above
        os._exit(1)


def _become_kernel(request: dict[str, Any], factory: int) -> None:
    """In the forked child: look like ``python -m ipykernel_launcher`` started in ``cwd``."""
    code = 1
    try:
        _die_with(factory)
        _prctl(_PR_SET_DUMPABLE, 1)  # a kernel may be inspected like any process
        os.setsid()
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # The request pipes are the factory's stdin and stdout: the kernel lets go of both.
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        os.close(quiet)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # ipykernel polls this parent and stops when it is gone.
        os.environ["JPY_PARENT_PID"] = str(factory)
        sys.argv = ["ipykernel_launcher", *request["args"]]
        # A fresh process draws its own random seeds; forks would otherwise share one.
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        if "torch" in sys.modules:
            sys.modules["torch"].seed()
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["args"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # a kernel that cannot start simply exits
        code = 1
    finally:
        os._exit(code)


def serve() -> None:
    """The factory's loop: load the kernel's modules, then fork one kernel per request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Kernels run as the same user: none may trace the factory or read or write its memory,
    # or every later kernel it forks would carry what one submission put there.
    _prctl(_PR_SET_DUMPABLE, 0)
    # The script's own folder: a kernel started by ``python -m ipykernel_launcher`` lacks it.
    sys.path.pop(0)
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a missing extra only makes kernels start slower
            pass
    signal.signal(signal.SIGCHLD, _reap)
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    factory = os.getpid()
    for line in requests:
        try:
            request = json.loads(line)
            pid = os.fork()
        except (ValueError, OSError) as error:
            replies.write(json.dumps({"error": str(error)}).encode() + b"\n")
            replies.flush()
            continue
        if pid == 0:
            _become_kernel(request, factory)
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")
        replies.flush()


if __name__ == "__main__":
    serve()
