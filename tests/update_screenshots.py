"""Regenerate the README's screenshots from the browser test.

    python tests/update_screenshots.py

Runs tests/test_browser.py (a real JupyterLab in headless Chromium) and keeps its screenshots
in .github/screenshots/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / ".github" / "screenshots"


def main() -> int:
    """Run the browser test with its screenshots pointed at the README's folder."""
    TARGET.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, COURSE_SCREENSHOTS=str(TARGET))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s",
                             str(ROOT / "tests" / "test_browser.py")], cwd=ROOT, env=env,
                            check=False)
    for picture in sorted(TARGET.glob("*.png")):
        print(f"{picture.relative_to(ROOT)}: {picture.stat().st_size // 1024} KiB")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
