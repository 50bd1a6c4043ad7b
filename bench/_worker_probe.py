"""Loaded into a bench worker (``celery worker --include bench._worker_probe``): after each
task, a child writes its resident memory to ``$BENCH_MEMORY_PROBE.<pid>.jsonl``; with
``BENCH_TRACEMALLOC=1`` it also traces Python allocations and, every 10 tasks, writes
what grew since its 20th task (tracemalloc snapshot diff, by line) to ``….<pid>.growth.txt``.
Nothing here runs in a worker that does not include it."""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from pathlib import Path

from celery.signals import task_postrun, worker_process_init

OUT = os.environ.get("BENCH_MEMORY_PROBE", "")
TRACE = os.environ.get("BENCH_TRACEMALLOC") == "1"
BASELINE_TASK = int(os.environ.get("BENCH_TRACEMALLOC_BASELINE", "5"))
EVERY = int(os.environ.get("BENCH_TRACEMALLOC_EVERY", "10"))
_state: dict = {"tasks": 0, "baseline": None}


def rss_kib(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@worker_process_init.connect
def _start(**kwargs) -> None:
    if TRACE:
        tracemalloc.start(8)


@task_postrun.connect
def _after_task(task=None, **kwargs) -> None:
    if not OUT:
        return
    _state["tasks"] += 1
    count = _state["tasks"]
    with open(f"{OUT}.{os.getpid()}.jsonl", "a") as out:
        out.write(json.dumps({"tasks": count, "task": getattr(task, "name", ""), "rss_kib": rss_kib(),
                              "at": time.time()}) + "\n")
    if not TRACE:
        return
    if count == BASELINE_TASK:
        _state["baseline"] = tracemalloc.take_snapshot()
    elif _state["baseline"] is not None and count % EVERY == 0:
        snapshot = tracemalloc.take_snapshot()
        top = snapshot.compare_to(_state["baseline"], "lineno")[:30]
        with open(f"{OUT}.{os.getpid()}.growth.txt", "a") as out:
            out.write(f"--- after {count} tasks (since task {BASELINE_TASK}), traced "
                      f"{tracemalloc.get_traced_memory()[0] / 2**20:.1f} MiB, rss {rss_kib() / 1024:.1f} MiB\n")
            out.writelines(f"{stat}\n" for stat in top)
