"""Issue a 10,000-row CSV end to end with a real Celery worker on PostgreSQL and Redis.

Prints the rate of the engine's signing + baking alone (in memory, in 1 and in N
processes), the check time, the end-to-end rate (every badge issued, signed, baked
and its award e-mail delivered over SMTP to a local sink), its ratio to the engine
alone, the CPU spent per badge, and the worker's memory while issuing the first and
the second half of the rows, with a verdict computed from those two figures.

"Mailed" means: the worker renders each award e-mail and sends it with Django's SMTP
backend to an aiosmtpd server this script runs on 127.0.0.1, which receives and counts
it; nothing is relayed further (no DNS, no remote server, no spam filter).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/badgehub_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
     .venv/bin/python bench/bench_csv_issuing.py [--rows 10000] [--concurrency 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import ensure_database  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-tasks-per-child", type=int, default=100,
                        help="as docker-compose starts the worker: a child is replaced after this many tasks "
                             "(a task is a chunk of 50 badges), which keeps memory flat")
    parser.add_argument("--engine-sample", type=int, default=100, help="assertions signed and baked in memory")
    parser.add_argument("--engine-passes", type=int, default=10, help="passes over the sample per process")
    parser.add_argument("--timeout", type=int, default=1800)
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/badgehub_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    # A queue of our own: no other worker (tests, dev server) eats the bench's tasks.
    os.environ["CELERY_QUEUE"] = f"bench-{os.getpid()}"
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{SINK.port}"
    # Award e-mails sent as each badge is issued: the bench's worker runs no beat, which is what
    # sends e-mails waiting to be grouped (production: 30 s later, by the beat service).
    os.environ.setdefault("BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS", "0")
    # As in production: with DEBUG on, Django records every query of the worker
    # (slower, and memory grows with the number of rows).
    os.environ["DEBUG"] = "false"
    # As in production: workers keep their database connection between tasks.
    os.environ["CONN_MAX_AGE"] = "60"
    os.environ["CELERY_DB_REUSE_MAX"] = "100"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="badgehub-bench-media-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgehub.settings")
    url = urlparse(os.environ["DATABASE_URL"])
    if url.scheme.startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])


def tree_rss_kib(root_pid: int) -> tuple[int, int]:
    """(sum of VmRSS, max VmHWM) over the worker and its children, in KiB."""
    pids = [root_pid]
    try:
        children = Path(f"/proc/{root_pid}/task/{root_pid}/children").read_text().split()
        pids += [int(pid) for pid in children]
    except OSError:
        pass
    total = peak = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        total += int(values.get("VmRSS", "0 kB").split()[0])
        peak = max(peak, int(values.get("VmHWM", "0 kB").split()[0]))
    return total, peak


class SmtpSink:
    """A local SMTP server (aiosmtpd) that accepts and counts the award e-mails."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received = 0
        self.controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd handler hook
        self.received += 1
        return "250 OK"

    def start(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per SMTP command otherwise
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


SINK = SmtpSink()
MEMORY_FLAT = 0.10  # the second half's peak within 10 % of the first half's: flat

_ENGINE_INPUT: list = []  # [assertions, PNG, SVG], set before the engine processes fork


def _engine_pass(passes: int) -> tuple[int, float, float]:
    """Sign and bake the sample ``passes`` times: (badges, wall seconds, CPU seconds)."""
    from django.utils import timezone

    from badges.issuing import baked_svg, sign_documents
    from badges.openbadges import bake
    from badges.services.batches import CHUNK_SIZE

    loaded, png_source, svg_source = _ENGINE_INPUT
    count = 0
    start, start_cpu = time.perf_counter(), time.process_time()
    for _ in range(passes):
        for index, assertion in enumerate(loaded):
            if index % CHUNK_SIZE == 0:  # one proof timestamp per chunk, as the workers do
                now = timezone.now()
            signed = sign_documents(assertion, now=now)
            text = json.dumps(signed["ob3_credential"], ensure_ascii=False)
            bake.bake_png(png_source, text, keyword=bake.OB3_KEYWORD)
            baked_svg(assertion, text, svg=svg_source)
            count += 1
    return count, time.perf_counter() - start, time.process_time() - start_cpu


def process_cpu_s(pid: int, *, with_children: bool = False) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if with_children:
        ticks += int(fields[13]) + int(fields[14])  # children already exited (replaced after N tasks)
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_cpu_s(root_pid: int) -> float:
    """CPU of the worker, its children and the children it already replaced."""
    total = process_cpu_s(root_pid, with_children=True)
    try:
        children = Path(f"/proc/{root_pid}/task/{root_pid}/children").read_text().split()
    except OSError:
        children = []
    for pid in children:
        try:
            total += process_cpu_s(int(pid))
        except OSError:
            pass
    return total


def postgres_cpu_s() -> float:
    """CPU of every PostgreSQL process of this machine, with the backends that ended
    (counted in the server's children): run the bench on a quiet machine."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" (", 1)[1].startswith("postgres)"):
                total += process_cpu_s(int(stat.parent.name), with_children=True)
        except (OSError, IndexError):
            pass
    return total


def main() -> None:
    args = parse_args()
    SINK.start()
    try:
        run_bench(args)
    finally:
        SINK.stop()


def memory_verdict(first_mib: float, second_mib: float) -> str:
    """Flat or growing, from the two peaks measured (not assumed)."""
    change = second_mib / first_mib - 1
    if abs(change) <= MEMORY_FLAT:
        return f"flat: {change:+.0%}, within {MEMORY_FLAT:.0%}, so the number of rows does not drive it"
    if change > 0:
        return f"growing: {change:+.0%} from the first half to the second, more than {MEMORY_FLAT:.0%}"
    return f"shrinking: {change:+.0%} from the first half to the second"


def run_bench(args: argparse.Namespace) -> None:
    prepare_environment()
    import django

    django.setup()
    from django.db import connection, connections, transaction
    from django.test.utils import CaptureQueriesContext

    from badges.issuing import SIGNING_PREFETCHES, images_of
    from badges.models import Assertion, IssueBatch, OutgoingEmail
    from badges.services import assertion_issue, batch_create, batch_start
    from bench._database import mediator_and_badge

    run, _issuer, mediator, badge_class = mediator_and_badge("d'essai")
    print(f"database {urlparse(os.environ['DATABASE_URL']).path.lstrip('/')}, queue {os.environ['CELERY_QUEUE']}, "
          f"{args.rows} rows, worker concurrency {args.concurrency}, max tasks per child {args.max_tasks_per_child}")

    # 1. The yardstick: the engine's signing (OB 2.0 JWS, OB 3.0 Data Integrity + VC-JWT) and
    # baking (PNG + SVG) alone, in memory, no database, one timestamp per chunk as the workers do.
    sample = [
        assertion_issue(badge_class=badge_class, recipient_email=f"engine{i}-{run}@example.org", issued_by=mediator,
                        notify=False)
        for i in range(args.engine_sample)
    ]
    loaded = list(Assertion.objects.filter(pk__in=[a.pk for a in sample])
                  .select_related("badge_class__issuer", "signing_key_rsa", "signing_key_ed25519")
                  .prefetch_related(*SIGNING_PREFETCHES))
    _ENGINE_INPUT.extend([loaded, *images_of(badge_class)])
    with CaptureQueriesContext(connection) as queries:
        _engine_pass(1)  # warm caches (JSON-LD contexts, keys), then fork: the children inherit them
    if queries.captured_queries:
        raise SystemExit(f"the engine yardstick must not touch the database: {queries.captured_queries[0]['sql']}")
    count, seconds, cpu = _engine_pass(args.engine_passes)
    pure_rate = count / seconds
    print(f"engine alone (sign + bake in memory, 1 process): {pure_rate:.1f} badges/s, "
          f"{cpu / count * 1000:.2f} ms CPU per badge")
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(args.concurrency) as pool:
        results = pool.map(_engine_pass, [args.engine_passes] * args.concurrency)
    parallel_rate = sum(r[0] for r in results) / max(r[1] for r in results)
    print(f"engine alone, {args.concurrency} processes in parallel: {parallel_rate:.1f} badges/s "
          f"(x{parallel_rate / pure_rate:.2f} of 1 process)")

    # 2. Check the CSV (nothing issued yet).
    rows = "".join(f"Personne {i};p{i}-{run}@example.org;Atelier du {i % 28 + 1:02d}/02;"
                   f"{i % 28 + 1:02d}/02/2026\n" for i in range(args.rows))
    data = f"\ufeffnom;courriel;observation;date\n{rows}".encode()
    start = time.perf_counter()
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=data, source_name="bench.csv")
    check_s = time.perf_counter() - start
    print(f"check {args.rows} rows: {check_s:.2f} s ({len(batch.rows)} valid, {len(batch.rejected)} rejected)")

    # 3. A real worker, then confirm: the batch task and every sign/bake/e-mail task run there.
    log = open(Path(tempfile.gettempdir()) / f"bench-worker-{run}.log", "w")
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "badgehub", "worker", "--loglevel=WARNING",
         f"--concurrency={args.concurrency}", "--pool=prefork", "-Q", os.environ["CELERY_QUEUE"],
         f"--max-tasks-per-child={args.max_tasks_per_child}",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
    )
    peak_total = peak_process = 0
    try:
        time.sleep(3)
        postgres_cpu_start = postgres_cpu_s()
        worker_cpu_start = worker_cpu_s(worker.pid)
        with transaction.atomic():
            batch_start(batch=batch, started_by=mediator)
        start = time.perf_counter()
        deadline = start + args.timeout
        batch_done_s = None
        samples = []
        emails = OutgoingEmail.objects.filter(assertion__badge_class=badge_class, template="award")
        assertions = Assertion.objects.filter(badge_class=badge_class).exclude(pk__in=[a.pk for a in sample])
        while time.perf_counter() < deadline:
            total, peak = tree_rss_kib(worker.pid)
            peak_total, peak_process = max(peak_total, total), max(peak_process, peak)
            batch.refresh_from_db()
            elapsed = time.perf_counter() - start
            if batch.status == IssueBatch.Status.FAILED:
                raise SystemExit(f"batch failed: {batch.error}")
            if batch_done_s is None and batch.status == IssueBatch.Status.DONE:
                batch_done_s = elapsed
            samples.append((elapsed, batch.done, total))
            # Counting is not free: only once the batch says it is done.
            if batch_done_s is not None:
                finalised = assertions.filter(baked_at__isnull=False).count()
                sent = emails.filter(status=OutgoingEmail.Status.SENT).count()
                if finalised >= batch.total and sent >= batch.total and SINK.received >= batch.total:
                    break
            time.sleep(0.5)
        else:
            raise SystemExit(f"timed out: batch {batch.done}/{batch.total}, e-mails received {SINK.received}")
        end_to_end_s = time.perf_counter() - start
        worker_cpu = worker_cpu_s(worker.pid) - worker_cpu_start
        postgres_cpu = postgres_cpu_s() - postgres_cpu_start
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()

    failed = assertions.exclude(bake_error="").count()
    print(f"batch task: {batch.total} assertions issued in {batch_done_s:.1f} s "
          f"= {batch.total / batch_done_s:.1f} rows/s (skipped {batch.skipped})")
    print(f"end to end (issued + signed OB 2.0/3.0 + baked PNG/SVG + award e-mail delivered over SMTP): "
          f"{end_to_end_s:.1f} s = {batch.total / end_to_end_s:.1f} badges/s; bake errors: {failed}")
    print(f"award e-mails: {SINK.received} received by the local SMTP sink (aiosmtpd on 127.0.0.1:{SINK.port}), "
          f"for {batch.total} badges; not relayed any further")
    print(f"end to end vs the engine alone in {args.concurrency} processes: "
          f"{batch.total / end_to_end_s / parallel_rate:.0%} (target: at least 50%)")
    print(f"CPU per badge: worker {worker_cpu / batch.total * 1000:.2f} ms + PostgreSQL "
          f"{postgres_cpu / batch.total * 1000:.2f} ms, vs engine alone {cpu / count * 1000:.2f} ms")
    print(f"worker peak RSS: {peak_total / 1024:.0f} MiB for the whole worker (main + {args.concurrency} children), "
          f"largest process high-water mark {peak_process / 1024:.0f} MiB")
    first = [s[2] for s in samples if s[1] < batch.total // 2]
    second = [s[2] for s in samples if s[1] >= batch.total // 2]
    if first and second:
        first_mib, second_mib = max(first) / 1024, max(second) / 1024
        print(f"worker memory, peak while issuing the first half of the rows: {first_mib:.0f} MiB, "
              f"the second half: {second_mib:.0f} MiB ({memory_verdict(first_mib, second_mib)})")
    else:
        print("worker memory: too few samples to compare the two halves (the batch was done in one sample)")

if __name__ == "__main__":
    main()
