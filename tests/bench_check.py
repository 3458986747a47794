"""Benchmark: how long one ``check()`` takes (run on demand, not part of the test suite).

    python tests/bench_check.py [--repeat 200]

Prints the median and the 90th percentile per exercise, in milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time

from course_helpers.exercises import autograd


def measure(repeat: int) -> dict[str, list[float]]:
    """Wall time of ``check(reference)`` for each lesson-02 exercise, ``repeat`` times."""
    timings: dict[str, list[float]] = {}
    for question in autograd.QUESTIONS:
        samples = []
        for _ in range(repeat):
            with contextlib.redirect_stdout(io.StringIO()):
                begin = time.perf_counter()
                question.check(question.reference)
                samples.append((time.perf_counter() - begin) * 1000)
        timings[question.key] = samples
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    timings = measure(args.repeat)
    every = [t for samples in timings.values() for t in samples]
    for key, samples in timings.items():
        p90 = statistics.quantiles(samples, n=10)[-1]
        print(f"{key:14s} median {statistics.median(samples):7.3f} ms   p90 {p90:7.3f} ms")
    print(f"{'all':14s} median {statistics.median(every):7.3f} ms   ({len(every)} calls)")


if __name__ == "__main__":
    main()
