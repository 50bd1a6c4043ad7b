"""Issue a 10,000-row CSV end to end with a real Celery worker on PostgreSQL and Redis.

Prints the check time, the issuing rate (batch rows/s), the end-to-end rate (every
assertion signed, baked and its e-mail sent), the in-process rate of signing + baking
alone for comparison, and the worker's peak memory.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/badgehub_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
     .venv/bin/python bench/bench_csv_issuing.py [--rows 10000] [--concurrency 2]
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
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-tasks-per-child", type=int, default=100,
                        help="as docker-compose starts the worker: a child is replaced after this many tasks "
                             "(a task is a chunk of 50 badges), which keeps memory flat")
    parser.add_argument("--engine-sample", type=int, default=100, help="assertions finalised in-process")
    parser.add_argument("--timeout", type=int, default=1800)
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/badgehub_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    # A queue of our own: no other worker (tests, dev server) eats the bench's tasks.
    os.environ["CELERY_QUEUE"] = f"bench-{os.getpid()}"
    os.environ["EMAIL_URL"] = "dummymail://"
    # As in production: with DEBUG on, Django records every query of the worker
    # (slower, and memory grows with the number of rows).
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="badgehub-bench-media-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgehub.settings")
    url = urlparse(os.environ["DATABASE_URL"])
    if url.scheme.startswith("postgres"):
        import psycopg2

        name = url.path.lstrip("/")
        conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                                password=url.password, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()


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


def main() -> None:
    args = parse_args()
    prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from badges.issuing import assertion_finalise, baked_svg, images_of, sign_documents
    from badges.models import Assertion, IssueBatch, OutgoingEmail
    from badges.openbadges import bake
    from badges.services import assertion_issue, batch_create, batch_start
    from issuers.models import Membership
    from issuers.services import membership_set
    from tests.factories import BadgeClassFactory, IssuerFactory, UserFactory

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    issuer = IssuerFactory(name=f"Banc d'essai {run}")
    mediator = UserFactory(username=f"bench-{run}")
    membership_set(issuer=issuer, user=mediator, role=Membership.Role.MEDIATOR)
    badge_class = BadgeClassFactory(issuer=issuer, name=f"Badge du banc {run}")
    print(f"database {urlparse(os.environ['DATABASE_URL']).path.lstrip('/')}, queue {os.environ['CELERY_QUEUE']}, "
          f"{args.rows} rows, worker concurrency {args.concurrency}, max tasks per child {args.max_tasks_per_child}")

    # 1. The engine alone, in this process: signing (OB 2.0 JWS, OB 3.0 DI + JWT) and baking.
    sample = [
        assertion_issue(badge_class=badge_class, recipient_email=f"engine{i}-{run}@example.org", issued_by=mediator,
                        notify=False)
        for i in range(args.engine_sample)
    ]
    assertion_finalise(assertion=sample[0])  # warm caches (JSON-LD contexts, keys)
    start = time.perf_counter()
    for assertion in sample[1:]:
        assertion_finalise(assertion=assertion)
    engine_rate = (len(sample) - 1) / (time.perf_counter() - start)
    print(f"engine alone (sign + bake, 1 process, in-process): {engine_rate:.1f} assertions/s "
          f"-> x{args.concurrency} processes: {engine_rate * args.concurrency:.1f}/s")
    # The same signing and baking with no database work at all: the strictest yardstick.
    loaded = list(Assertion.objects.filter(pk__in=[a.pk for a in sample])
                  .select_related("badge_class__issuer", "signing_key_rsa", "signing_key_ed25519")
                  .prefetch_related("evidence", "badge_class__alignments", "badge_class__issuer__signing_keys"))
    png_source, svg_source = images_of(badge_class)
    start = time.perf_counter()
    for assertion in loaded:
        signed = sign_documents(assertion)
        text = json.dumps(signed["ob3_credential"], ensure_ascii=False)
        bake.bake_png(png_source, text, keyword=bake.OB3_KEYWORD)
        baked_svg(assertion, text, svg=svg_source)
    pure_rate = len(loaded) / (time.perf_counter() - start)
    print(f"engine pure (sign + bake in memory, no database, 1 process): {pure_rate:.1f} assertions/s "
          f"-> x{args.concurrency} processes: {pure_rate * args.concurrency:.1f}/s")

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
            finalised = assertions.filter(baked_at__isnull=False).count()
            sent = emails.filter(status=OutgoingEmail.Status.SENT).count()
            samples.append((elapsed, batch.done, finalised, total))
            if batch_done_s is not None and finalised >= batch.total and sent >= batch.total:
                break
            time.sleep(0.5)
        else:
            raise SystemExit(f"timed out: batch {batch.done}/{batch.total}, finalised {finalised}, sent {sent}")
        end_to_end_s = time.perf_counter() - start
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
    print(f"end to end (issued + signed OB 2.0/3.0 + baked PNG/SVG + award e-mail sent): {end_to_end_s:.1f} s "
          f"= {batch.total / end_to_end_s:.1f} badges/s; bake errors: {failed}")
    print(f"vs engine alone x{args.concurrency}: {batch.total / end_to_end_s / (engine_rate * args.concurrency):.0%}; "
          f"vs engine pure x{args.concurrency}: {batch.total / end_to_end_s / (pure_rate * args.concurrency):.0%}")
    print(f"worker peak RSS: {peak_total / 1024:.0f} MiB for the whole worker (main + {args.concurrency} children), "
          f"largest process high-water mark {peak_process / 1024:.0f} MiB")
    quarter = [s for s in samples if s[1] >= batch.total // 4]
    if quarter:
        print(f"memory at 25% of rows: {quarter[0][3] / 1024:.0f} MiB, at the end: {samples[-1][3] / 1024:.0f} MiB "
              f"(flat memory means the number of rows does not drive it)")


if __name__ == "__main__":
    main()
