"""The grading sandbox denies, one by one, what a hostile submission would try.

Kernels are forked from a sandboxed factory (or launched in a sandbox of their own) and run
real notebook cells through nbclient, as nbgrader runs them; each forbidden read, write,
connection or signal is attempted from inside, and one allowed action shows the kernel works.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from course_helpers.classroom import kernels, sandbox
from tests.conftest import ROOT

pytestmark = pytest.mark.notebook

if not sandbox.available():
    if os.environ.get("CI"):
        pytest.fail("CI must grade in the sandbox: bubblewrap cannot run here",
                    pytrace=False)
    pytest.skip("bubblewrap cannot make a sandbox on this machine", allow_module_level=True)

# Try something inside the kernel; print what happened as one JSON line.
TRY = '''
import json
def attempt(action):
    try:
        result = action()
        return "allowed" if result is None else f"allowed: {result!r}"[:200]
    except BaseException as error:
        return f"denied: {type(error).__name__}"
'''


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sandbox-home").resolve()


@pytest.fixture(scope="module")
def factory(home):
    os.environ["OMP_NUM_THREADS"] = "1"
    kernels.stop_factory()
    made = kernels.start_factory(home)
    assert made is not None and kernels.sandboxed()
    yield made
    kernels.stop_factory()


def run(cells: list[str], folder: Path, timeout: int = 60) -> nbformat.NotebookNode:
    config = Config()
    config.NotebookClient.kernel_manager_class = kernels.WarmKernelManager
    notebook = new_notebook(cells=[new_code_cell(source) for source in [TRY, *cells]])
    folder.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(notebook, config=config, timeout=timeout, startup_timeout=60,
                            resources={"metadata": {"path": str(folder)}})
    return client.execute()


def outcome(factory: kernels.KernelFactory, home: Path, code: str) -> dict:
    """Run ``code`` (which prints one JSON object) in a fresh sandboxed kernel."""
    cell = run([code], home / f"run-{time.monotonic_ns()}").cells[1]
    factory.reset()
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


def test_the_kernel_sees_none_of_the_course(factory, home):
    seen = outcome(factory, home, f'''
import os
print(json.dumps({{
    "solutions": attempt(lambda: os.listdir({str(ROOT / "solutions")!r})),
    "readme": attempt(lambda: open({str(ROOT / "README.md")!r}).read()),
    "course_root": sorted(os.listdir({str(ROOT)!r})),
}}))''')
    assert seen["solutions"].startswith("denied")
    assert seen["readme"].startswith("denied")
    # Only the package itself is bound: beside it, nothing of the course is there.
    assert set(seen["course_root"]) <= {"course_helpers", ".venv"}


def test_the_kernel_has_no_answer_key(factory, home):
    package = ROOT / "course_helpers"
    key_file = package / "key" / "autograd.py"
    assert key_file.is_file()  # the grader has it
    seen = outcome(factory, home, f'''
import os, importlib
def load(name):
    importlib.import_module(name)
print(json.dumps({{
    "key_file": attempt(lambda: open({str(key_file)!r}).read()),
    "key_folder": os.listdir({str(package / "key")!r}),
    "key_module": attempt(lambda: load("course_helpers.key.autograd")),
    "write_key": attempt(lambda: open({str(package / "key" / "x.py")!r}, "w").write("x")),
    "lesson": attempt(lambda: load("course_helpers.lessons.autograd")),
    "hidden_grade": attempt(lambda: __import__("course_helpers.lessons.autograd",
        fromlist=["q2"]).q2.evaluate(lambda x: 4 * x, hidden=True).status.value),
}}))''')
    assert seen["key_file"].startswith("denied")
    assert seen["key_folder"] == []
    assert seen["key_module"] == "denied: ModuleNotFoundError"
    assert seen["write_key"].startswith("denied")
    assert seen["lesson"] == "allowed"  # the lessons and their visible checks remain
    assert seen["hidden_grade"] == "allowed: 'not_attempted'"


def test_the_kernel_cannot_read_the_graders_files(factory, home, tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades")
    listing = sorted(p.name for p in Path.home().iterdir())
    seen = outcome(factory, home, f'''
import os
print(json.dumps({{
    "secret": attempt(lambda: open({str(secret)!r}).read()),
    "home": attempt(lambda: sorted(os.listdir({str(Path.home())!r}))),
    "shadow": attempt(lambda: open("/etc/shadow").read(8)),
}}))''')
    assert seen["secret"].startswith("denied")
    assert seen["shadow"].startswith("denied")
    if seen["home"].startswith("allowed"):
        # The grader's home shows at most the path down to a Python installed inside it.
        shown = seen["home"].removeprefix("allowed: ")
        assert all(name not in shown for name in listing
                   if not any(name == part for p in sandbox.python_folders()
                              for part in p.parts))


def test_the_graders_processes_are_out_of_sight(factory, home, tmp_path, monkeypatch):
    # The gradebook sits in the grader's working folder, as in the attack through /proc.
    (tmp_path / "gradebook.db").write_text("grades")
    monkeypatch.chdir(tmp_path)
    seen = outcome(factory, home, '''
import os
from pathlib import Path
found = []
for entry in Path("/proc").iterdir():
    if entry.name.isdigit():
        for link in ("cwd", "root"):
            try:
                where = Path(os.readlink(entry / link))
            except OSError:
                continue
            found += [str(d) for d in (where, *where.parents) if (d / "gradebook.db").exists()]
pids = sorted(int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit())
print(json.dumps({
    "found": found, "pids": pids, "me": os.getpid(),
    "factory_cwd": attempt(lambda: os.readlink("/proc/1/cwd")),
    "factory_mem": attempt(lambda: open("/proc/1/mem", "rb").read(1)),
    "factory_environ": attempt(lambda: open("/proc/1/environ", "rb").read()),
}))''')
    assert seen["found"] == []
    assert seen["factory_cwd"].startswith("denied")
    assert seen["factory_mem"].startswith("denied")
    assert seen["factory_environ"].startswith("denied")
    # Only the sandbox's own: the factory (PID 1) and the kernel.
    assert set(seen["pids"]) == {1, seen["me"]}


def test_the_kernel_writes_only_in_its_own_folder(factory, home):
    package = Path(kernels.__file__).resolve().parents[1]
    seen = outcome(factory, home, f'''
import os, sysconfig
def write(path):
    with open(path, "w") as handle:
        handle.write("x")
print(json.dumps({{
    "own": attempt(lambda: write("mine.txt")),
    "package": attempt(lambda: write({str(package / "injected.py")!r})),
    "site": attempt(lambda: write(sysconfig.get_paths()["purelib"] + "/injected.pth")),
    "stdlib": attempt(lambda: write(sysconfig.get_paths()["stdlib"] + "/injected.py")),
    "etc": attempt(lambda: write("/etc/passwd")),
    "root": attempt(lambda: write("/injected")),
    "tmp": attempt(lambda: write("/tmp/injected")),
}}))''')
    assert seen.pop("own") == "allowed"
    assert all(v.startswith("denied") for v in seen.values()), seen
    assert not (package / "injected.py").exists()
    assert list(home.iterdir()) == []  # and its own folder is emptied afterwards


def test_the_kernel_has_no_network(factory, home):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    try:
        seen = outcome(factory, home, f'''
import socket
print(json.dumps({{
    "grader": attempt(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2)),
    "dns": attempt(lambda: socket.getaddrinfo("example.org", 443)),
    "interfaces": [name for _, name in socket.if_nameindex()],
}}))''')
    finally:
        server.close()
    assert seen["grader"].startswith("denied")
    assert seen["dns"].startswith("denied")
    assert seen["interfaces"] == ["lo"]


def test_the_kernel_gets_no_privileges_and_no_secrets(factory, home, monkeypatch):
    monkeypatch.setenv("GRADER_TOKEN", "s3cret")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    seen = outcome(factory, home, '''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
status = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines()
              if ":\\t" in l)
print(json.dumps({
    "caps": status["CapEff"].strip(), "no_new_privs": status["NoNewPrivs"].strip(),
    "userns": libc.unshare(0x10000000), "token": os.environ.get("GRADER_TOKEN"),
    "home": os.environ["HOME"], "cwd": os.getcwd(),
    "step": os.environ.get("NBGRADER_EXECUTION"),
}))''')
    assert int(seen["caps"], 16) == 0
    assert seen["no_new_privs"] == "1"
    assert seen["userns"] == -1
    assert seen["token"] is None
    assert seen["step"] == "autograde"  # nbgrader's own setting reaches the kernel
    assert seen["home"] == seen["cwd"] and seen["cwd"].startswith(str(home))


def test_the_factory_survives_its_kernels(factory, home):
    seen = outcome(factory, home, '''
import os, signal
print(json.dumps({"kill": attempt(lambda: os.kill(1, signal.SIGKILL)),
                  "term": attempt(lambda: os.kill(1, signal.SIGTERM))}))''')
    assert seen  # the signals are ignored: PID 1 only takes those it handles
    time.sleep(0.5)
    assert factory.process.poll() is None
    again = outcome(factory, home, 'import os\nprint(json.dumps({"parent": os.getppid()}))')
    assert again["parent"] == 1  # forked from the same factory


def test_nothing_of_one_submission_is_left_for_the_next(factory, home):
    # A process that would outlive its kernel and write into the next kernel's folder.
    outcome(factory, home, f'''
import subprocess, sys
watcher = """
import os, time
while True:
    for root, dirs, _ in os.walk({str(home)!r}):
        for d in dirs:
            try:
                open(os.path.join(root, d, "planted.py"), "w").write("x")
            except OSError:
                pass
    time.sleep(0.02)
"""
subprocess.Popen([sys.executable, "-c", watcher], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
open("/dev/shm/left", "w").write("x")
print(json.dumps({{}}))''')
    # ``outcome`` reset the factory: only the factory is left in the sandbox.
    assert set(sandbox.members(factory.namespace)) == {1}
    assert list(home.iterdir()) == []
    seen = outcome(factory, home, '''
import os
print(json.dumps({"shm": os.listdir("/dev/shm"), "here": os.listdir(".")}))''')
    assert seen["shm"] == []
    assert "planted.py" not in seen["here"]


def test_the_factory_carries_no_course_code(factory, home):
    seen = outcome(factory, home, '''
import sys
print(json.dumps(sorted(m for m in sys.modules if m.startswith("course_helpers"))))''')
    assert seen == []


def test_an_ordinary_launch_is_sandboxed_and_interruptible(home, monkeypatch):
    monkeypatch.setattr(kernels, "_factory", None)
    monkeypatch.setattr(kernels, "_sandboxed", True)
    cell = run([f'''
import os
print(json.dumps({{"pid": os.getpid(),
                  "solutions": attempt(lambda: os.listdir({str(ROOT / "solutions")!r}))}}))
'''], home / "ordinary").cells[1]
    seen = json.loads("".join(o.get("text", "") for o in cell.outputs).strip())
    assert seen["pid"] == 1 and seen["solutions"].startswith("denied")
    begin = time.monotonic()
    with pytest.raises(CellTimeoutError):
        run(["import time\ntime.sleep(60)"], home / "interrupted", timeout=3)
    assert time.monotonic() - begin < 30


def test_the_sandbox_binds_the_python_installation_read_only():
    arguments = sandbox.bwrap_arguments(Path("/nonexistent-home"), init=True)
    bound = {arguments[i + 1] for i, a in enumerate(arguments) if a == "--ro-bind"}
    assert str(Path(sys.prefix).resolve()) in bound or any(
        Path(sys.prefix).resolve().is_relative_to(b) for b in bound)
    assert str(ROOT) not in bound  # the package, not the course around it
    writable = [arguments[i + 1] for i, a in enumerate(arguments) if a == "--bind"]
    assert writable == ["/nonexistent-home"]
    assert "--unshare-net" in arguments and "--cap-drop" in arguments
