"""A worker child's memory over a whole CSV batch, with ``--max-tasks-per-child`` unset.

Starts a real Celery worker (prefork, one child unless told otherwise, the bench's own
queue) with ``bench/_worker_probe.py`` included, issues a CSV batch end to end (issued,
signed, baked, award e-mail delivered to a local SMTP sink), and prints each child's
resident memory after its first chunk of badges (the start) and after its last task, the
growth per 100 tasks, and the verdict: within 20 % of the starting RSS, or not. ``--tracemalloc`` also prints, from
inside the child, what grew between its 5th task and its last (tracemalloc snapshot
diff by line): the way to find what a leak is.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/badgehub_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
     .venv/bin/python bench/bench_worker_memory.py [--rows 10000] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_csv_issuing import SINK, prepare_environment  # noqa: E402

LIMIT = 0.20  # the child's final RSS within 20 % of its starting RSS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--max-tasks-per-child", type=int, default=0, help="0: unset (children never replaced)")
    parser.add_argument("--tracemalloc", action="store_true", help="trace allocations in the child (slower)")
    parser.add_argument("--image-kib", type=int, default=0,
                        help="a badge PNG of about this size (noise, incompressible) instead of the factory's 3 KiB")
    parser.add_argument("--timeout", type=int, default=3600)
    return parser.parse_args()


def samples_by_child(prefix: str) -> dict[int, list[dict]]:
    children = {}
    for path in Path(prefix).parent.glob(Path(prefix).name + ".*.jsonl"):
        pid = int(path.name.rsplit(".", 2)[1])
        children[pid] = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return children


def noise_png(kib: int) -> bytes:
    import io

    from PIL import Image

    side = max(16, int((kib * 1024 / 3) ** 0.5))
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def verdict(start_kib: int, final_kib: int) -> str:
    change = final_kib / start_kib - 1
    if change <= LIMIT:
        return f"OK: {change:+.1%} from the start, within {LIMIT:.0%}"
    return f"GROWING: {change:+.1%} from the start, more than {LIMIT:.0%}"


def main() -> None:
    args = parse_args()
    SINK.start()
    try:
        run(args)
    finally:
        SINK.stop()


def run(args: argparse.Namespace) -> None:
    prepare_environment()
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.db import transaction

    from badges.models import Assertion, IssueBatch, OutgoingEmail
    from badges.services import batch_create, batch_start
    from bench._database import mediator_and_badge

    run_id, _issuer, mediator, badge_class = mediator_and_badge("mémoire")
    if args.image_kib:
        badge_class.image.save("banc.png", ContentFile(noise_png(args.image_kib)), save=True)
    rows = "".join(f"Personne {i};m{i}-{run_id}@example.org;Atelier du {i % 28 + 1:02d}/02;"
                   f"{i % 28 + 1:02d}/02/2026\n" for i in range(args.rows))
    batch = batch_create(badge_class=badge_class, created_by=mediator,
                         data=f"\ufeffnom;courriel;observation;date\n{rows}".encode(), source_name="memoire.csv")

    probe = Path(tempfile.mkdtemp(prefix="badgehub-memory-")) / "child"
    env = {**os.environ, "BENCH_MEMORY_PROBE": str(probe), "BENCH_TRACEMALLOC": "1" if args.tracemalloc else "0"}
    command = [str(ROOT / ".venv/bin/celery"), "-A", "badgehub", "worker", "--loglevel=WARNING",
               f"--concurrency={args.concurrency}", "--pool=prefork", "-Q", os.environ["CELERY_QUEUE"],
               "--include=bench._worker_probe", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if args.max_tasks_per_child:
        command.append(f"--max-tasks-per-child={args.max_tasks_per_child}")
    print(f"badge image {badge_class.image.size // 1024} KiB; "
          f"{args.rows} rows, {args.concurrency} child(ren), max tasks per child "
          f"{args.max_tasks_per_child or 'unset'}, tracemalloc {'on' if args.tracemalloc else 'off'}")
    log = open(probe.with_suffix(".log"), "w")
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(3)
        with transaction.atomic():
            batch_start(batch=batch, started_by=mediator)
        start = time.perf_counter()
        assertions = Assertion.objects.filter(badge_class=badge_class)
        emails = OutgoingEmail.objects.filter(assertion__badge_class=badge_class, template="award")
        while time.perf_counter() - start < args.timeout:
            batch.refresh_from_db()
            if batch.status == IssueBatch.Status.FAILED:
                raise SystemExit(f"batch failed: {batch.error}")
            if (batch.status == IssueBatch.Status.DONE
                    and assertions.filter(baked_at__isnull=False).count() >= batch.total
                    and emails.filter(status=OutgoingEmail.Status.SENT).count() >= batch.total):
                break
            time.sleep(2)
        else:
            raise SystemExit(f"timed out: batch {batch.done}/{batch.total}")
        elapsed = time.perf_counter() - start
        time.sleep(1)  # the last task's sample
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()

    print(f"{batch.total} badges issued, signed, baked and mailed in {elapsed:.0f} s; "
          f"{SINK.received} e-mails received by the local SMTP sink")
    children = samples_by_child(str(probe))
    if not children:
        raise SystemExit(f"no sample from the worker's children (see {log.name})")
    worst = 0.0
    for pid, samples in sorted(children.items()):
        # The start: after the child's first chunk of badges (the first task that imports,
        # loads and processes everything issuing needs), not after the tiny batch task.
        issuing = [s for s in samples if s["task"].endswith("run_issue_batch_chunk")]
        first, last = (issuing or samples)[0], samples[-1]
        tasks = last["tasks"] - first["tasks"]
        per_100 = (last["rss_kib"] - first["rss_kib"]) / 1024 / tasks * 100 if tasks else 0.0
        peak = max(s["rss_kib"] for s in samples)
        print(f"child {pid}: {last['tasks']} tasks; RSS after its first task {samples[0]['rss_kib'] / 1024:.1f} MiB, "
              f"after its first chunk (the start) {first['rss_kib'] / 1024:.1f} MiB, "
              f"after its last {last['rss_kib'] / 1024:.1f} MiB (peak {peak / 1024:.1f} MiB), "
              f"{per_100:+.2f} MiB per 100 tasks: {verdict(first['rss_kib'], last['rss_kib'])}")
        worst = max(worst, last["rss_kib"] / first["rss_kib"] - 1)
        growth = probe.parent / f"child.{pid}.growth.txt"
        if growth.exists():
            report = growth.read_text().split("--- after ")
            print(f"  what grew in child {pid} (tracemalloc, by line), --- after {report[-1]}")
    print(f"verdict: {'OK' if worst <= LIMIT else 'GROWING'}: the worst child ended at {worst:+.1%} "
          f"of its starting RSS (limit {LIMIT:.0%})")


if __name__ == "__main__":
    main()
