"""Regenerate the README's picture of the mistake report from the demo.

    python tests/update_report_screenshot.py [--into DIR]

Runs ``course-helpers demo`` (release, collect, grade, feedback, export, report on the sample
class), opens the report it wrote in headless Chromium and keeps the top of the page as
.github/screenshots/report.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import child_env  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TARGET = ROOT / ".github" / "screenshots" / "report.png"


def main() -> int:
    """Run the demo, then photograph the first screens of its report."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=None)
    args = parser.parse_args()
    where = args.into or Path(tempfile.mkdtemp(prefix="report-shot-"))
    subprocess.run([sys.executable, "-m", "course_helpers.instructor.cli", "demo", "--into",
                    str(where)], cwd=ROOT, env=child_env(), check=True, stdout=subprocess.DEVNULL)
    page_path = where / "course" / "report.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1100, "height": 1500})
        page.goto(page_path.as_uri())
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(TARGET))
        browser.close()
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size // 1024} KiB from {page_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
