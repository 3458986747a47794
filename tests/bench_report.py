"""Benchmark: building the mistake report (``course-helpers report``) for a graded class.

    python tests/bench_report.py [--students 20] [--lessons 02_autograd ...] [--course DIR]

Builds a scratch course with every lesson and ``--students`` sample submissions per lesson
(right, blank and half-done in turn, as ``tests/bench_grading.py`` does), grades it with
``course-helpers grade`` (not timed), then builds the report ``--repeat`` times in this process
and once as the command an instructor runs (a fresh interpreter, imports included). With
``--course`` it reports on an already graded course instead. It prints the times and the sizes
of the HTML page and its JSON, and writes them to benchmarks/results/report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_helpers.classroom.grade import grade_class  # noqa: E402
from course_helpers.classroom.mistakes_page import write_report  # noqa: E402
from course_helpers.classroom.record import tools_on_path  # noqa: E402
from course_helpers.classroom.worker import Limits  # noqa: E402
from course_helpers.course import lessons  # noqa: E402
from tests.bench_grading import course_with  # noqa: E402
from tests.conftest import child_env  # noqa: E402


def measure(course: Path, chosen: list[str], repeat: int) -> dict[str, object]:
    """Build the report ``repeat`` times in process and once from the command line."""
    target = course / "report.html"
    samples = []
    for _ in range(repeat):
        begin = time.perf_counter()
        write_report(course, chosen, target)
        samples.append(time.perf_counter() - begin)
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "course_helpers.instructor.cli", "report", *chosen],
                   cwd=course, env=child_env(), check=True, capture_output=True)
    command = time.perf_counter() - begin
    numbers = json.loads(target.with_suffix(".json").read_text())
    return {
        "notebooks": sum(entry["hand_ins"] for entry in numbers["lessons"]),
        "report_median_s": round(statistics.median(samples), 2),
        "report_samples_s": [round(s, 2) for s in samples],
        "command_s": round(command, 2),
        "html_bytes": target.stat().st_size,
        "json_bytes": target.with_suffix(".json").stat().st_size,
        "diagnoses": len(numbers["diagnoses"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--lessons", nargs="*", default=None)
    parser.add_argument("--course", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tools_on_path()
    chosen = args.lessons or lessons(args.course or ROOT)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        course = args.course
        if course is None:
            course = course_with(Path(scratch), chosen, args.students)
            begin = time.perf_counter()
            grade_class(course, chosen, limits=Limits(), out=open(os.devnull, "w"))
            print(f"graded in {time.perf_counter() - begin:.1f} s (not part of the figure)",
                  flush=True)
        figures = {"cores": os.cpu_count(), "lessons": chosen,
                   **measure(course, chosen, args.repeat)}
    print(json.dumps(figures, indent=1))
    target = ROOT / "benchmarks" / "results" / "report.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
