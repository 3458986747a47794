"""Warm kernels forked from the kernel factory behave like fresh ones, and stop like them.

Each test drives real kernels through nbclient and jupyter_client, the way nbgrader does:
the state a notebook can see is compared with a fresh kernel's, and interrupts, dying
kernels, a vanished factory and the fallback launch are exercised for real.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from course_helpers.classroom import kernels

pytestmark = pytest.mark.notebook

# What a notebook can observe about the process it runs in.
STATE = """
import json, os, sys
import matplotlib
ip = get_ipython()
print(json.dumps({
    "cwd": os.getcwd(),
    "path": sys.path,
    "course_loaded": sorted(m for m in sys.modules if m.startswith("course_helpers")),
    "backend": matplotlib.get_backend(),
    "ast_transformers": len(ip.ast_transformers),
    "input_transformers": len(ip.input_transformers_post),
    "custom_exc": list(map(str, ip.custom_exceptions)),
    "threads": os.environ.get("OMP_NUM_THREADS"),
    "main": sys.modules["__main__"] is ip.user_module,
}))
"""
DRAW = "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()"
RANDOM = ("import random, numpy, torch\n"
          "print(random.random(), numpy.random.rand(), torch.rand(1).item())")


@pytest.fixture(scope="module")
def factory():
    os.environ["OMP_NUM_THREADS"] = "1"
    made = kernels.start_factory()
    assert made is not None, "this suite runs on Linux, where kernels are forked"
    yield made
    kernels.stop_factory()


def run(cells: list[str], folder: Path, warm: bool, timeout: int = 60) -> nbformat.NotebookNode:
    config = Config()
    if warm:
        config.NotebookClient.kernel_manager_class = kernels.WarmKernelManager
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    folder.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(notebook, config=config, timeout=timeout, startup_timeout=60,
                            resources={"metadata": {"path": str(folder)}})
    return client.execute()


def printed(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_a_forked_kernel_sees_what_a_fresh_one_sees(factory, tmp_path):
    fresh = json.loads(printed(run([STATE], tmp_path / "fresh", warm=False).cells[0]))
    warm = json.loads(printed(run([STATE], tmp_path / "warm", warm=True).cells[0]))
    assert warm["cwd"] == str(tmp_path / "warm")
    assert warm["course_loaded"] == [], "course_helpers must load in the kernel, not the factory"
    fresh.pop("cwd"), warm.pop("cwd")
    assert warm == fresh


def test_figures_still_display_inline(factory, tmp_path):
    cell = run([DRAW], tmp_path, warm=True).cells[0]
    assert any("image/png" in o.get("data", {}) for o in cell.outputs)


def test_each_forked_kernel_draws_its_own_random_numbers(factory, tmp_path):
    first = printed(run([RANDOM], tmp_path / "a", warm=True).cells[0]).split()
    second = printed(run([RANDOM], tmp_path / "b", warm=True).cells[0]).split()
    assert len(first) == 3
    assert all(a != b for a, b in zip(first, second, strict=True))


def test_a_forked_kernel_is_a_child_of_the_factory_not_of_the_grader(factory, tmp_path):
    cell = run(["import os\nprint(os.getppid(), os.getpid() == os.getsid(0))"], tmp_path,
               warm=True).cells[0]
    parent, own_session = printed(cell).split()
    assert int(parent) == factory.process.pid
    assert own_session == "True"


def test_a_long_cell_is_interrupted(factory, tmp_path):
    begin = time.monotonic()
    with pytest.raises(CellTimeoutError):
        run(["import time\ntime.sleep(60)"], tmp_path, warm=True, timeout=3)
    assert time.monotonic() - begin < 30


def test_a_kernel_that_exits_is_seen_as_dead(factory, tmp_path):
    with pytest.raises(DeadKernelError):
        run(["import os\nos._exit(3)", "print('never')"], tmp_path, warm=True)


def test_kernels_stop_when_their_factory_goes(tmp_path):
    made = kernels.KernelFactory()  # its own, as a grading worker has
    try:
        pid = made.fork(["-f", str(tmp_path / "kernel.json")], str(tmp_path), dict(os.environ))
        deadline = time.monotonic() + 30
        while not (tmp_path / "kernel.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # the kernel is up once it has written its connection file
        assert kernels.ForkedKernel(pid).poll() is None
    finally:
        made.close()
    deadline = time.monotonic() + 15
    while kernels.ForkedKernel(pid).poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if kernels.ForkedKernel(pid).poll() is None:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the kernel outlived its factory")


def test_without_a_factory_the_kernel_starts_the_ordinary_way(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels, "_factory", None)
    cell = run(["import os\nprint(os.getppid())"], tmp_path, warm=True).cells[0]
    assert int(printed(cell)) == os.getpid()


def test_a_factory_that_has_stopped_falls_back_to_the_ordinary_way(tmp_path, monkeypatch):
    stopped = kernels.KernelFactory()
    stopped.close()
    monkeypatch.setattr(kernels, "_factory", stopped)
    with pytest.raises(kernels.FactoryError):
        stopped.fork(["-f", "unused.json"], str(tmp_path), dict(os.environ))
    cell = run(["import os\nprint(os.getppid())"], tmp_path, warm=True).cells[0]
    assert int(printed(cell)) == os.getpid()


def test_no_factory_where_forking_is_not_supported(monkeypatch):
    monkeypatch.setattr(kernels, "_factory", None)
    monkeypatch.setattr(kernels.sys, "platform", "darwin")
    assert kernels.start_factory() is None


def test_only_this_pythons_ipykernel_is_forked():
    args = ["-f", "{connection_file}"]
    assert kernels.kernel_arguments([sys.executable, "-m", "ipykernel_launcher", *args]) == args
    assert kernels.kernel_arguments(["/usr/bin/false", "-m", "ipykernel_launcher", *args]) is None
    assert kernels.kernel_arguments([sys.executable, "-m", "other_kernel", *args]) is None
    assert kernels.kernel_arguments(["no-such-program", "-m", "ipykernel_launcher"]) is None
