"""The Binder environment: consistent with pyproject.toml, and a lesson runs in it.

Binder itself cannot be reached from the test machine. The build test therefore makes the
environment binder/ describes as far as this machine allows: a fresh virtual environment,
binder/requirements.txt without its extra package index (PyTorch's CPU wheel comes from the
local package source instead), binder/postBuild, then the student release of lesson 02 runs
in a kernel of that environment. The font from apt.txt is installed by .ci/run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT, child_env

BINDER = ROOT / "binder"


def binder_pins() -> dict[str, str]:
    """Package name -> pinned version from binder/requirements.txt."""
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"Binder pins exact versions: {line}"
            pins[requirement.name.lower()] = spec.version
    return pins


def project_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}


def test_binder_pins_satisfy_the_project_ranges():
    pins, ranges = binder_pins(), project_requirements()
    assert set(ranges) <= set(pins), f"not pinned for Binder: {set(ranges) - set(pins)}"
    for name, version in pins.items():
        if name in ranges:
            assert ranges[name].specifier.contains(version), (name, version)


def test_binder_python_matches_the_project():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-")
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(wanted).contains(runtime.removeprefix("python-") + ".0")


def test_binder_uses_cpu_wheels_and_the_cjk_font():
    requirements = (BINDER / "requirements.txt").read_text()
    assert "/whl/cpu" in requirements
    assert "fonts-noto-cjk" in (BINDER / "apt.txt").read_text().split()


RUN_LESSON = r"""
import json, sys
import nbformat
from course_helpers.kernel_client import notebook_client
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
notebook_client(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}
                ).execute()
unexpected = [c.id for c in notebook.cells if c.cell_type == "code"
              and "raises-exception" not in c.metadata.get("tags", [])
              and any(o.output_type == "error" or (o.output_type == "stream"
                      and o.name == "stderr") for o in c.outputs)]
images = sum(1 for c in notebook.cells for o in c.get("outputs", [])
             if "image/png" in o.get("data", {}))
print(json.dumps({"unexpected": unexpected, "images": images, "python": sys.executable}))
"""


@pytest.mark.notebook
def test_a_lesson_runs_in_the_binder_environment(tmp_path):
    venv = tmp_path / "binder-env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("\n".join(
        line for line in (BINDER / "requirements.txt").read_text().splitlines()
        if not line.strip().startswith("--")))
    env = child_env()
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    env.pop("VIRTUAL_ENV", None)
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)],
                             env=env, capture_output=True, text=True, timeout=1500, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    # postBuild installs the package in editable mode; point it at a copy, not the checkout.
    copy = tmp_path / "repo"
    copy.mkdir()
    subprocess.run(["cp", "-r", str(ROOT / "course_helpers"), str(ROOT / "notebooks"),
                    str(ROOT / "pyproject.toml"), str(ROOT / "binder"), str(copy)], check=True)
    build = subprocess.run(["bash", str(copy / "binder" / "postBuild")], cwd=copy, env=env,
                           capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    # JupyterLab's own view of the environment: a student's, without nbgrader's instructor tools.
    jupyter = str(venv / "bin" / "jupyter")
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "user-config")  # not this machine user's
    labextensions = subprocess.run([jupyter, "labextension", "list"], env=env,
                                   capture_output=True, text=True, check=True)
    disabled = labextensions.stdout + labextensions.stderr
    disabled = disabled[disabled.index("Disabled extensions"):]
    for plugin in ("create-assignment", "formgrader", "menu"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled, disabled
    assert "validate-assignment" not in disabled, disabled
    lesson = copy / "notebooks" / "02_autograd" / "02_autograd.ipynb"
    run = subprocess.run([str(python), "-c", RUN_LESSON, str(lesson)], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["python"].startswith(str(venv))
    assert report["unexpected"] == []
    assert report["images"] >= 1
