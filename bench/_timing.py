"""Shared timing helper of the bench scripts."""

import statistics
import time


def median_ms(fn, runs: int = 50) -> float:
    """Median wall time of ``fn`` in milliseconds, after one warm-up call
    (processed JSON-LD contexts are cached per process)."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000
