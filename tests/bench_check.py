"""Benchmark: how long one ``check()`` takes (run on demand, not part of the test suite).

    python tests/bench_check.py [--repeat 50] [--solutions solutions/]

Checks each solution cell's answer with its question, ``repeat`` times, in whichever edition
of ``course_helpers`` the running Python imports (self-study, or an installed assessed
edition), and prints the median and the 90th percentile per lesson, in milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import time
from pathlib import Path
from types import ModuleType

# Message prefix of a lesson's questions -> its folder.
FOLDERS = {"tensors": "01_tensors", "autograd": "02_autograd", "clearing": "03_gradient_clearing",
           "nograd": "04_no_grad_detach", "optim": "05_custom_optimizers",
           "regression": "06_linear_regression"}


def _modules() -> list[ModuleType]:
    import course_helpers

    if not (Path(course_helpers.__file__).parent / "lessons").is_dir():
        # An install from before the lessons moved to course_helpers.lessons.
        from course_helpers.exercises import exercise_modules

        return exercise_modules()
    from course_helpers.lessons import declared_lessons, lesson_module

    return [lesson_module(name) for name in declared_lessons()]


def _answers(solutions: Path, folder: str) -> dict[str, object]:
    """Every name the notebook's imports and solution cells define."""
    notebook = json.loads((solutions / folder / f"{folder}.ipynb").read_text("utf-8"))
    namespace: dict[str, object] = {}
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            exec(source, namespace)
            continue
        for line in source.splitlines():
            if line.startswith(("import ", "from ")) and "course_helpers" not in line:
                exec(line, namespace)
    return namespace


def measure(repeat: int, solutions: Path) -> dict[str, list[float]]:
    """Wall time of ``check(answer)`` per lesson, every question ``repeat`` times."""
    timings: dict[str, list[float]] = {}
    for module in _modules():
        questions = module.QUESTIONS
        folder = FOLDERS[questions[0].key.split(".")[0]]
        namespace = _answers(solutions, folder)
        samples = []
        for question in questions:
            name = getattr(question, "function", "") or question.reference.__name__
            answer = namespace[name]
            for _ in range(repeat):
                with contextlib.redirect_stdout(io.StringIO()):
                    begin = time.perf_counter()
                    outcome = question.check(answer)
                    samples.append((time.perf_counter() - begin) * 1000)
                assert outcome.passed, (question.key, outcome)
        timings[folder] = samples
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--solutions", type=Path,
                        default=Path(__file__).resolve().parents[1] / "solutions")
    args = parser.parse_args()
    import course_helpers

    print(f"course_helpers from {Path(course_helpers.__file__).parent}")
    timings = measure(args.repeat, args.solutions)
    every = [t for samples in timings.values() for t in samples]
    for folder, samples in timings.items():
        p90 = statistics.quantiles(samples, n=10)[-1]
        print(f"{folder:22s} median {statistics.median(samples):8.3f} ms   p90 {p90:8.3f} ms")
    print(f"{'all':22s} median {statistics.median(every):8.3f} ms   ({len(every)} calls)")


if __name__ == "__main__":
    main()
