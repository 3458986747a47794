"""The mistake report opens in headless Chromium with its charts and without console errors.

The page is built from a small class (no grading needed) and from the bigger sample in
``tests/test_report_data.py``; a screenshot goes to ``COURSE_SCREENSHOTS`` (or a temporary
folder) and its path is printed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course_helpers.classroom.mistakes import analyse
from course_helpers.classroom.mistakes_page import render
from course_helpers.classroom.outcomes import read_message
from course_helpers.i18n import msg
from tests.test_report_data import sample_class

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


def open_page(path: Path, shot: Path) -> tuple[list[str], list[list[int]], str]:
    """Console errors, each image's natural size, and the page's text."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            sizes = page.evaluate("[...document.images].map(i => [i.naturalWidth,"
                                  " i.naturalHeight, i.getBoundingClientRect().width])")
            text = page.inner_text("body")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    print(f"screenshot: {shot}")
    return errors, sizes, text


def test_the_report_shows_its_charts_in_chromium(tmp_path):
    numbers = analyse(*sample_class())
    for entry in numbers["diagnoses"]:
        message = read_message(entry["example"]) or msg("report.diag.none")
        entry["text"] = {"zh": message.render("zh"), "en": message.render("en")}
    page = tmp_path / "report.html"
    page.write_text(render(numbers), encoding="utf-8")
    folder = Path(os.environ.get("COURSE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    errors, sizes, text = open_page(page, folder / "report-test.png")
    assert errors == []
    assert len(sizes) == 3 and all(w > 100 and h > 100 and shown > 100 for w, h, shown in sizes)
    assert "What the class got wrong" in text and "全班错在哪里" in text
    assert "李雷" in text and "<eve>" in text  # names shown as text, never as markup
    assert (folder / "report-test.png").stat().st_size > 20_000
