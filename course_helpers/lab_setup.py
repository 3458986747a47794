"""Whom this environment's JupyterLab is for: a student sees only what a student uses.

    python -m course_helpers.lab_setup student      # no instructor panels, no news prompt
    python -m course_helpers.lab_setup instructor   # everything nbgrader installs (as after pip)

The setting lives in the environment's Jupyter configuration folder (``sys.prefix/etc/jupyter``)
and uses Jupyter's own files there: ``labconfig/page_config.json`` (what
``jupyter labextension disable --level=sys_prefix`` writes), ``jupyter_server_config.json``
(what ``jupyter server extension disable --sys-prefix`` writes) and
``labconfig/default_setting_overrides.json`` (default values of JupyterLab settings). Only the
entries named below are touched, so other settings in those files stay as they are.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

# nbgrader's instructor tools, and its exchange (fetch/submit) panels, which this course does not
# use: hand-ins are collected as files. nbgrader's Validate button stays: it runs the whole
# notebook afresh and lists every check that still fails, the last look before handing in.
INSTRUCTOR_PLUGINS = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:menu",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.assignment_list",
)
# "Would you like to get notified about official Jupyter news?" and update checks stay off.
QUIET_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                   "checkForUpdates": False},
}
ROLES = ("student", "instructor")


def student_config() -> dict[tuple[str, str], dict[str, Any]]:
    """(folder, section) -> the entries a student environment sets."""
    return {
        ("labconfig", "page_config"): {
            "disabledExtensions": dict.fromkeys(INSTRUCTOR_PLUGINS, True)},
        ("labconfig", "default_setting_overrides"): QUIET_SETTINGS,
        ("", "jupyter_server_config"): {
            "ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS,
                                                               False)}},
    }


def _cleared(entries: dict[str, Any]) -> dict[str, Any]:
    """The same keys with None leaves: Jupyter's config manager deletes those keys."""
    return {key: _cleared(value) if isinstance(value, dict) else None
            for key, value in entries.items()}


def environment_config_dir() -> Path:
    """This Python environment's Jupyter configuration folder."""
    return Path(sys.prefix) / "etc" / "jupyter"


def set_role(role: str, config_dir: Path | None = None) -> Path:
    """Configure JupyterLab in ``config_dir`` (default: this environment's) for ``role``."""
    from jupyter_server.config_manager import BaseJSONConfigManager

    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    folder = Path(config_dir) if config_dir is not None else environment_config_dir()
    for (sub, section), entries in student_config().items():
        manager = BaseJSONConfigManager(config_dir=str(folder / sub))
        manager.update(section, entries if role == "student" else _cleared(entries))
    return folder


def current_role(config_dir: Path | None = None) -> str:
    """"student" if every student entry is set in ``config_dir``, else "instructor"."""
    from jupyter_server.config_manager import BaseJSONConfigManager

    folder = Path(config_dir) if config_dir is not None else environment_config_dir()
    for (sub, section), entries in student_config().items():
        stored = BaseJSONConfigManager(config_dir=str(folder / sub)).get(section)
        if not _contains(stored, entries):
            return "instructor"
    return "student"


def _contains(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(_contains(stored.get(k) or {}, v) if isinstance(v, dict) else stored.get(k) == v
               for k, v in wanted.items())


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m course_helpers.lab_setup {student,instructor}``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_helpers.lab_setup",
        description="让本环境的 JupyterLab 面向学生或教师 / "
                    "set up this environment's JupyterLab for students or instructors")
    parser.add_argument("role", choices=ROLES)
    parser.add_argument("--config-dir", type=Path, default=None,
                        help="Jupyter 配置文件夹（默认为本环境的）/ "
                             "Jupyter config folder (default: this environment's)")
    args = parser.parse_args(argv)
    folder = set_role(args.role, args.config_dir)
    if args.role == "student":
        print(f"JupyterLab 已设为学生版：不显示 nbgrader 的教师工具，不弹出新闻提示（{folder}）。\n"
              f"JupyterLab is set up for students: no nbgrader instructor tools, no news prompt "
              f"({folder}).")
    else:
        print(f"JupyterLab 已设为教师版：nbgrader 的全部工具都可用（{folder}）。\n"
              f"JupyterLab is set up for instructors: all of nbgrader's tools ({folder}).")
    print("请重新启动 JupyterLab 使设置生效。/ Restart JupyterLab for this to take effect.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
