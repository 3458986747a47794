"""A student's view: a real JupyterLab in headless Chromium opens lesson 02 and runs it.

The test answers one exercise the way a student would (typing into the cell), runs all cells
and checks what appears on the screen. Screenshots are written to ``COURSE_SCREENSHOTS`` (or a
temporary folder) and their paths printed.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, child_env

CHROMIUM = "/usr/bin/chromium"
LESSON = "02_autograd"
TOKEN = "course-browser-test"
ANSWER = ("def make_leaf(values):\n"
          "    return torch.tensor(values, dtype=torch.float64).requires_grad_()\n")

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lab(home: Path, config_dir: Path | None):
    """Start JupyterLab on ``home``; ``config_dir`` is an extra Jupyter config folder."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    shutil.copytree(ROOT / "notebooks" / LESSON, home / LESSON)
    # Render every cell (no windowing) so off-screen outputs can be read. Nothing else is set
    # here: what a student or an instructor sees comes from the installation's configuration.
    settings = home / "settings"
    path = settings / "@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"windowingMode": "none"}')
    env = child_env()
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "workspaces")
    # Only this environment's configuration (and the role's folder), not the machine user's.
    env["JUPYTER_CONFIG_DIR"] = str(home / "user-config")
    if config_dir is not None:
        env["JUPYTER_CONFIG_PATH"] = str(config_dir)
    else:
        env.pop("JUPYTER_CONFIG_PATH", None)
    port = _free_port()
    log = open(home / "lab.log", "w")  # closed by _stop_lab
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.token={TOKEN}", "--allow-root",
         "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={home}"],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail("JupyterLab did not start: " + (home / "lab.log").read_text()[-2000:])
    return url, server, log


def _stop_lab(server: subprocess.Popen, log) -> None:
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A student's JupyterLab: the installation set up with ``lab_setup student``."""
    home = tmp_path_factory.mktemp("lab")
    config = home / "student-config"
    subprocess.run([sys.executable, "-m", "course_helpers.lab_setup", "student",
                    "--config-dir", str(config)], check=True, capture_output=True)
    url, server, log = _start_lab(home, config)
    yield url
    _stop_lab(server, log)


@pytest.fixture(scope="module")
def instructor_lab(tmp_path_factory):
    """An instructor's JupyterLab: the installation as pip leaves it."""
    home = tmp_path_factory.mktemp("instructor")
    url, server, log = _start_lab(home, None)
    yield url
    _stop_lab(server, log)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("COURSE_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield chromium
        chromium.close()


def _open_lesson(browser, url: str, path: str = f"{LESSON}/{LESSON}.ipynb",
                 workspace: str = "", width: int = 1400):
    """A new tab with the lesson (or the notebook at ``path``) open and its kernel started.

    ``workspace`` names a JupyterLab workspace of its own, so the tab does not also restore
    the notebooks that other tabs opened.
    """
    tab = browser.new_page(viewport={"width": width, "height": 1000})
    where = f"workspaces/{workspace}/tree" if workspace else "tree"
    tab.goto(f"{url}/lab/{where}/{path}?token={TOKEN}")
    tab.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    tab.wait_for_function("(path) => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                          " && window.jupyterapp.shell.currentWidget.context?.path === path"
                          " && window.jupyterapp.shell.currentWidget.sessionContext"
                          ".session?.kernel", arg=path, timeout=90_000)
    return tab


@pytest.fixture(scope="module")
def page(lab, browser):
    tab = _open_lesson(browser, lab)
    yield tab
    tab.close()


def _run_all_as_a_student(page) -> None:
    """Type an answer into exercise 1, then Run All and wait for the last cell."""
    page.evaluate(
        """(answer) => {
            const nb = window.jupyterapp.shell.currentWidget.content;
            const cell = nb.widgets.find(c => c.model.id === 'ex1-solution');
            cell.model.sharedModel.setSource(answer);
        }""", ANSWER)
    _run_all(page)


def _run_all(page) -> None:
    """Run All in the current notebook and wait until every code cell has run."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const nb = window.jupyterapp.shell.currentWidget.content;
            const code = nb.widgets.filter(c => c.model.type === 'code');
            return code.every(c => c.model.executionCount !== null)
                && !document.querySelector('.jp-InputArea-prompt') ?.textContent.includes('*')
                && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status
                   === 'idle';
        }""", timeout=240_000, polling=500)
    page.wait_for_timeout(1500)  # let the last outputs and the diagram render


@pytest.fixture(scope="module")
def ran(page, screenshots):
    started = time.monotonic()
    _run_all_as_a_student(page)
    elapsed = time.monotonic() - started
    shot = screenshots / "lesson.png"
    # Show the opening of the lesson, not wherever Run All left the view.
    page.evaluate("""async () => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = 0;
        await nb.scrollToItem(0, 'start');
    }""")
    page.wait_for_timeout(500)
    page.screenshot(path=str(shot))
    print(f"\nlesson ran in the browser in {elapsed:.1f} s; screenshot: {shot}")
    return page


def test_feedback_shows_in_both_languages(ran, screenshots):
    correct = ran.locator(".course-feedback.course-correct").first
    correct.scroll_into_view_if_needed()
    text = correct.inner_text()
    assert "正确！" in text and "Correct!" in text
    shot = screenshots / "feedback.png"
    ran.locator(".jp-Cell", has=ran.locator(".course-feedback.course-correct")).first \
        .screenshot(path=str(shot))
    print(f"\nfeedback screenshot: {shot}")
    blank = ran.locator(".course-feedback.course-not_attempted")
    texts = [blank.nth(i).inner_text() for i in range(blank.count())]
    errors = ran.locator(STDERR)
    lines = [errors.nth(i).inner_text().strip() for i in range(errors.count())]
    # The five untouched exercises report "not attempted" in both languages, each test cell
    # fails with one line under its panel, and nothing else errors: examples, plots, the graph
    # and the widget all ran cleanly.
    assert len(texts) == 5, texts
    assert all("尚未作答" in t and "Not attempted yet" in t for t in texts), texts
    assert lines == [f"… 练习 {n} 未通过 · Exercise {n} not passed" for n in range(2, 7)], lines


STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"

# Three test cells as a student leaves them: one right, one wrong (sum instead of mean), one
# untouched. Each is tagged like the lessons' test cells, so Run All goes past the failures.
OUTCOME_CELLS = [
    ("def make_leaf(values):\n"
     "    return torch.tensor(values, dtype=torch.float64).requires_grad_()\n\n"
     "def mean_square_grad(x):\n"
     "    x = x.detach().clone().requires_grad_(True)\n"
     "    (x ** 2 + 20).sum().backward()\n"
     "    return x.grad\n\n"
     "def grad_of_dot(x):\n"
     "    # 在这里写你的代码 / YOUR CODE HERE\n"
     "    raise NotImplementedError()"),
    "# 检查 / Check\nex.q1.grade(make_leaf)",
    "# 检查 / Check\nex.q3.grade(mean_square_grad)",
    "# 检查 / Check\nex.q2.grade(grad_of_dot)",
]

# What makes a panel look like a panel; the three outcomes differ only in colour.
PANEL_STYLE = """(node) => {
    const s = getComputedStyle(node);
    return {font: s.fontFamily, size: s.fontSize, lineHeight: s.lineHeight,
            padding: s.padding, radius: s.borderRadius, border: s.borderLeftWidth + ' '
            + s.borderLeftStyle, wordBreak: s.wordBreak, whiteSpace: s.whiteSpace};
}"""


def _outcomes_notebook(url: str) -> str:
    """Save a notebook with the lesson's setup cell and OUTCOME_CELLS; return its path."""
    import json

    import nbformat

    lesson = nbformat.read(ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb", as_version=4)
    notebook = nbformat.v4.new_notebook(metadata=lesson.metadata)
    notebook.cells = [nbformat.v4.new_code_cell(lesson.cells[0].source)] + [
        nbformat.v4.new_code_cell(source, metadata={"tags": ["raises-exception"]})
        for source in OUTCOME_CELLS]
    path = "outcomes.ipynb"
    body = json.dumps({"type": "notebook", "format": "json",
                       "content": json.loads(nbformat.writes(notebook))}).encode()
    request = urllib.request.Request(f"{url}/api/contents/{path}?token={TOKEN}", data=body,
                                     method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30):
        pass
    return path


def test_the_three_outcomes_look_alike(lab, browser, screenshots):
    tab = _open_lesson(browser, lab, _outcomes_notebook(lab), workspace="outcomes", width=1000)
    tab.set_viewport_size({"width": 1000, "height": 1600})  # room for all three in one view
    tab.evaluate("window.jupyterapp.shell.collapseLeft()")
    _run_all(tab)
    cells = tab.locator(".jp-Notebook .jp-CodeCell")
    checks = [cells.nth(i) for i in range(2, 5)]
    panels = [cell.locator(".course-feedback") for cell in checks]
    assert [p.count() for p in panels] == [1, 1, 1]
    kinds = [p.get_attribute("class") for p in panels]
    assert kinds == ["course-feedback course-correct", "course-feedback course-incorrect",
                     "course-feedback course-not_attempted"], kinds
    styles = [p.evaluate(PANEL_STYLE) for p in panels]
    assert styles[0] == styles[1] == styles[2], styles
    assert "monospace" not in styles[0]["font"] and styles[0]["wordBreak"] != "break-all"
    colours = [p.evaluate("(n) => getComputedStyle(n).borderLeftColor") for p in panels]
    assert len(set(colours)) == 3, colours
    # The wrong answer's panel names the mistake in both languages.
    wrong = panels[1].inner_text()
    assert "你用的是 sum()（求和）" in wrong and "but you used sum()" in wrong, wrong
    assert "尚未作答" in panels[2].inner_text() and "Not attempted yet" in panels[2].inner_text()
    # A failing test cell still ends in an error (nbgrader scores it 0), but that error is one
    # short line under the panel, on one screen line, and says nothing the panel does not.
    errors = [cell.locator(STDERR) for cell in checks]
    assert [e.count() for e in errors] == [0, 1, 1]
    lines = [e.inner_text().strip() for e in errors[1:]]
    assert lines == ["✗ 练习 3 未通过 · Exercise 3 not passed",
                     "… 练习 2 未通过 · Exercise 2 not passed"], lines
    for error in errors[1:]:
        height, line = error.locator("pre").evaluate(
            "(n) => [n.getBoundingClientRect().height,"
            " parseFloat(getComputedStyle(n).lineHeight)]")
        assert height < 2 * line, (height, line)
        assert error.locator("a").count() == 0  # plain text, nothing turned into a link
    # One picture of the three test cells, from the first one's top to the last one's bottom.
    tab.evaluate("""async () => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = 1;  // the answers' cell, out of the picture
        await nb.scrollToItem(2, 'start');
    }""")
    tab.wait_for_timeout(500)
    top, bottom = checks[0].bounding_box(), checks[2].bounding_box()
    assert top is not None and bottom is not None
    shot = screenshots / "outcomes.png"
    tab.screenshot(path=str(shot), clip={
        "x": top["x"], "y": top["y"], "width": top["width"],
        "height": bottom["y"] + bottom["height"] - top["y"]})
    print(f"\nthe three outcomes: {shot}")
    tab.close()


def test_plot_and_graph_are_drawn(ran):
    assert ran.locator(".jp-RenderedImage img").count() >= 1
    # JupyterLab draws Mermaid as an SVG image; its text holds the operation names.
    diagram = ran.locator(".jp-RenderedMermaid img").first
    diagram.wait_for(timeout=30_000)
    labels = urllib.parse.unquote(diagram.get_attribute("src") or "")
    assert labels.startswith("data:image/svg+xml")
    assert "MulBackward0" in labels and "SumBackward0" in labels


def test_slider_redraws_the_plot(ran, screenshots):
    slider = ran.locator(".widget-slider").first
    slider.scroll_into_view_if_needed()
    output = ran.locator(".widget-vbox .widget-output img").first
    output.wait_for(timeout=30_000)
    before = output.get_attribute("src")
    readout = ran.locator(".widget-slider .widget-readout").first.inner_text()
    ran.locator(".widget-slider .ui-slider-handle, .widget-slider .noUi-handle").first.focus()
    for _ in range(5):
        ran.keyboard.press("ArrowRight")
    ran.wait_for_function(
        "(before) => { const img = document.querySelector('.widget-vbox .widget-output img');"
        " return img && img.getAttribute('src') !== before; }", arg=before, timeout=30_000)
    after_readout = ran.locator(".widget-slider .widget-readout").first.inner_text()
    assert after_readout != readout
    shot = screenshots / "widget.png"
    ran.locator(".widget-vbox").first.screenshot(path=str(shot))
    print(f"\nwidget screenshot: {shot}")
    assert re.match(r"^-?\d", after_readout)


# What each installation shows. nbgrader's instructor tools are the Create Assignment panel in
# the right side bar, the "Nbgrader" menu (formgrader, course and assignment lists) and the
# formgrader page; JupyterLab asks about news in a toast at start-up unless told not to.
TOOLS = """() => ({
    createAssignment: !!document.getElementById('nbgrader-create_assignemnt'),
    createAssignmentTab: !!document.querySelector('.lm-TabBar-tab[title*="Create Assignment"]'),
    nbgraderMenu: Array.from(document.querySelectorAll('.lm-MenuBar-itemLabel'))
        .some(e => e.innerText.trim() === 'Nbgrader'),
    validate: Array.from(document.querySelectorAll(
            '.jp-NotebookPanel-toolbar .jp-ToolbarButtonComponent'))
        .some(e => e.innerText.trim() === 'Validate'),
    news: Array.from(document.querySelectorAll('.Toastify__toast'))
        .some(e => /news/i.test(e.innerText)),
})"""


def _formgrader_status(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/formgrader?token={TOKEN}", timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def _settle(tab) -> None:
    """Give JupyterLab time to restore its panels and raise its start-up toasts."""
    tab.wait_for_selector(".jp-NotebookPanel-toolbar .jp-ToolbarButtonComponent", timeout=30_000)
    tab.wait_for_timeout(4000)


def test_student_lab_shows_only_student_tools(lab, browser, screenshots):
    tab = _open_lesson(browser, lab)
    _settle(tab)
    shot = screenshots / "student-lab.png"
    tab.screenshot(path=str(shot))
    print(f"\nstudent's JupyterLab: {shot}")
    tools = tab.evaluate(TOOLS)
    tab.close()
    assert tools == {"createAssignment": False, "createAssignmentTab": False,
                     "nbgraderMenu": False, "validate": True, "news": False}, tools
    assert _formgrader_status(lab) == 404


def test_instructor_lab_keeps_nbgrader_tools(instructor_lab, browser, screenshots):
    tab = _open_lesson(browser, instructor_lab)
    _settle(tab)
    shot = screenshots / "instructor-lab.png"
    tab.screenshot(path=str(shot))
    print(f"\ninstructor's JupyterLab: {shot}")
    tools = tab.evaluate(TOOLS)
    tab.close()
    # The stock installation: every nbgrader tool, and JupyterLab's own news question.
    assert tools == {"createAssignment": True, "createAssignmentTab": True,
                     "nbgraderMenu": True, "validate": True, "news": True}, tools
    assert _formgrader_status(instructor_lab) == 200
