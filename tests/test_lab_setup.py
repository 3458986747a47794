"""Student and instructor set-ups of JupyterLab, as Jupyter itself reads them."""

from __future__ import annotations

import json
import subprocess
import sys

from course_helpers import lab_setup
from tests.conftest import child_env


def _labextension_list(config_dir) -> str:
    env = child_env()
    env["JUPYTER_CONFIG_PATH"] = str(config_dir)
    env["JUPYTER_CONFIG_DIR"] = str(config_dir / "user")
    listing = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], env=env,
                             capture_output=True, text=True, check=True)
    return listing.stdout + listing.stderr


def test_student_role_disables_instructor_tools_and_news(tmp_path):
    lab_setup.set_role("student", tmp_path)
    assert lab_setup.current_role(tmp_path) == "student"
    listing = _labextension_list(tmp_path)
    disabled = listing[listing.index("Disabled extensions"):]
    for plugin in lab_setup.INSTRUCTOR_PLUGINS:
        assert plugin in disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    server = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert "nbgrader.server_extensions.validate_assignment" not in extensions
    overrides = json.loads((tmp_path / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_instructor_role_restores_everything_and_keeps_other_settings(tmp_path):
    other = {"disabledExtensions": {"some-extension:plugin": True}}
    (tmp_path / "labconfig").mkdir()
    (tmp_path / "labconfig" / "page_config.json").write_text(json.dumps(other))
    lab_setup.set_role("student", tmp_path)
    lab_setup.set_role("instructor", tmp_path)
    assert lab_setup.current_role(tmp_path) == "instructor"
    assert json.loads((tmp_path / "labconfig" / "page_config.json").read_text()) == other
    server = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    assert server == {}


def test_command_line_names_the_role(tmp_path):
    run = subprocess.run([sys.executable, "-m", "course_helpers.lab_setup", "student",
                          "--config-dir", str(tmp_path)], env=child_env(),
                         capture_output=True, text=True, check=True)
    assert "学生" in run.stdout and "students" in run.stdout
    assert lab_setup.current_role(tmp_path) == "student"
