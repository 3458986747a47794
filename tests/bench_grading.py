"""Benchmark: grading a class with stock ``nbgrader autograde`` and with ``course-helpers grade``.

    python tests/bench_grading.py [--students 20] [--lessons 02_autograd ...] [--floor 5]

Builds a scratch course with every lesson and ``--students`` sample submissions per lesson
(right, blank and half-done in turn), then, on the same machine in the same run:

* the old floor: a fresh kernel that imports torch, started and stopped ``--floor`` times;
* the compute floor: every sample notebook's own cells, as handed in, executed one after
  another in one already-warm kernel, reset in between;
* stock nbgrader: ``nbgrader autograde <lesson>`` for each lesson, one after another;
* ``grade_class`` on all cores, the same submissions in a copy of the same course.

It prints wall times, the cost per notebook (wall time / notebooks), the throughput ratio
and the cost per notebook against both floors and whether kernels were sandboxed, checks
that both graders gave every submission the same score, and writes the figures to
benchmarks/results/grading.json.
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

from course_helpers.classroom import sandbox  # noqa: E402
from course_helpers.classroom.grade import grade_class  # noqa: E402
from course_helpers.classroom.record import tools_on_path  # noqa: E402
from course_helpers.classroom.samples import benchmark_class  # noqa: E402
from course_helpers.classroom.worker import Limits  # noqa: E402
from course_helpers.course import copy_course, lessons  # noqa: E402
from tests.gradingcourse import gradebook_scores  # noqa: E402


def floor(times: int) -> list[float]:
    """Seconds to start a kernel, import torch and shut the kernel down."""
    from jupyter_client.manager import start_new_kernel

    samples = []
    for _ in range(times):
        begin = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3")
        client.execute_interactive("import torch", timeout=120)
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        samples.append(time.perf_counter() - begin)
    return samples


def compute_floor(course: Path, chosen: list[str]) -> list[float]:
    """Seconds per notebook to run its cells in a kernel that is already up and warm."""
    import nbformat
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    samples = []
    try:
        client.execute_interactive("import torch, torch.optim, matplotlib.pyplot", timeout=120)
        for path in sorted((course / "submitted").glob("*/*/*.ipynb")):
            if path.parent.name not in chosen:
                continue
            notebook = nbformat.read(path, as_version=4)
            code = [c.source for c in notebook.cells if c.cell_type == "code"]
            begin = time.perf_counter()
            for source in code:
                client.execute_interactive(source, timeout=120, output_hook=lambda _: None)
            samples.append(time.perf_counter() - begin)
            client.execute_interactive("%reset -f", timeout=60, output_hook=lambda _: None)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return samples


def course_with(where: Path, chosen: list[str], students: int) -> Path:
    course = copy_course(ROOT, chosen, where / "course")
    for name, data in benchmark_class(course, chosen, students).items():
        student, file = name.split("/")
        lesson = file.removesuffix(".ipynb")
        target = course / "submitted" / student / lesson / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return course


def nbgrader(course: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd=course,
                   check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--lessons", nargs="*", default=None)
    parser.add_argument("--floor", type=int, default=5)
    args = parser.parse_args()
    tools_on_path()
    chosen = args.lessons or lessons(ROOT)
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        stock = course_with(Path(scratch) / "stock", chosen, args.students)
        ours = course_with(Path(scratch) / "ours", chosen, args.students)
        notebooks = len(chosen) * args.students
        print(f"{notebooks} notebooks ({args.students} students × {len(chosen)} lessons), "
              f"{os.cpu_count()} cores", flush=True)

        kernel = floor(args.floor)
        print(f"floor (fresh kernel + import torch): median {statistics.median(kernel):.2f} s",
              flush=True)

        compute = compute_floor(stock, chosen)
        print(f"compute floor (cells in a warm kernel): median {statistics.median(compute):.2f} s"
              " per notebook", flush=True)

        for lesson in chosen:  # not timed: both graders need the lessons in a gradebook
            nbgrader(stock, "generate_assignment", lesson, "--force",
                     f"--CourseDirectory.release_directory={Path(scratch) / 'release'}")
        begin = time.perf_counter()
        for lesson in chosen:
            nbgrader(stock, "autograde", lesson, "--force")
        stock_wall = time.perf_counter() - begin
        print(f"stock nbgrader autograde: {stock_wall:.1f} s", flush=True)

        begin = time.perf_counter()
        report = grade_class(ours, chosen, limits=Limits(), out=open(os.devnull, "w"))
        ours_wall = time.perf_counter() - begin
        print(f"course-helpers grade:     {ours_wall:.1f} s", flush=True)

        failed = [f"{r.student} {r.lesson}" for r in report.failures]
        same = gradebook_scores(stock) == gradebook_scores(ours)
    per_stock, per_ours = stock_wall / notebooks, ours_wall / notebooks
    figures = {
        "notebooks": notebooks, "cores": os.cpu_count(), "lessons": chosen,
        "floor_median_s": round(statistics.median(kernel), 2),
        "floor_samples_s": [round(s, 2) for s in kernel],
        "stock_wall_s": round(stock_wall, 1), "ours_wall_s": round(ours_wall, 1),
        "stock_per_notebook_s": round(per_stock, 2), "ours_per_notebook_s": round(per_ours, 2),
        "throughput_ratio": round(stock_wall / ours_wall, 2),
        "ours_per_notebook_over_floor": round(per_ours / statistics.median(kernel), 2),
        "compute_floor_median_s": round(statistics.median(compute), 2),
        "compute_floor_mean_s": round(statistics.fmean(compute), 2),
        # Wall time per notebook on all cores against one core's compute floor, and the
        # grading CPU time per notebook (wall time × workers) against the same floor.
        "ours_per_notebook_over_compute_floor": round(per_ours / statistics.fmean(compute), 2),
        "ours_worker_seconds_over_compute_floor": round(
            per_ours * (os.cpu_count() or 1) / statistics.fmean(compute), 2),
        "sandboxed": sandbox.available(),
        "same_scores": same, "failures": failed,
    }
    print(json.dumps(figures, indent=1))
    target = ROOT / "benchmarks" / "results" / "grading.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
