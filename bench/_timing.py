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



def warm_and_cold_ms(warm, cold, inputs: list, clear=()) -> tuple[float, float]:
    """Medians in ms of ``warm()`` (the same input every call: every cache hits) and of
    ``cold(x)`` over distinct ``inputs`` (each used once, prepared outside the timed region,
    every cache in ``clear`` emptied before the call). The two are interleaved, so a load
    change on a shared machine weighs on both alike. Neither drops what a process keeps for
    its whole life (the JSON-LD contexts, loaded and processed once, as in a worker)."""
    warm()
    warm_times, cold_times = [], []
    for value in inputs:
        start = time.perf_counter()
        warm()
        warm_times.append(time.perf_counter() - start)
        for cached in clear:
            cached.cache_clear()
        start = time.perf_counter()
        cold(value)
        cold_times.append(time.perf_counter() - start)
    return statistics.median(warm_times) * 1000, statistics.median(cold_times) * 1000


def compare(warm_ms: float, cold_ms: float) -> str:
    """The measured difference, in words."""
    change = cold_ms / warm_ms - 1
    if abs(change) < 0.03:
        return "cold and warm within 3 %: no measurable cache effect"
    return f"cold is {change:+.0%} vs warm" + ("" if change > 0 else " (faster cold: load noise, run again)")
