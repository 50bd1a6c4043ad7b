"""Verify one of our own baked PNGs in-process, as the verifier page's worker does:
our documents are read by id from the hosted documents' cache (no view, no HTTP request,
nothing signed again). Prints the median time, the queries per verification, and the
engine alone with the same documents already in memory (the yardstick, same run).

Run: .venv/bin/python bench/bench_verify_local.py [--runs 50]
(BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/badgehub_bench_verify_local;
REDIS_URL as for the app. Target: ≤ 10 ms on the 2-core machine.)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import ensure_database  # noqa: E402
from bench._timing import median_ms  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL",
                                                "postgres://postgres@127.0.0.1:5432/badgehub_bench_verify_local")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["DEBUG"] = "false"
    os.environ["CELERY_QUEUE"] = "bench_verify_local"  # no worker: what issuing queues waits there
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgehub.settings")
    ensure_database(os.environ["DATABASE_URL"])
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from badges import verification
    from badges.issuing import assertion_finalise
    from badges.openbadges.verify import verify
    from badges.services import assertion_issue
    from issuers.models import Membership
    from issuers.services import membership_set
    from tests.factories import BadgeClassFactory, IssuerFactory, UserFactory

    issuer = IssuerFactory(name="Réseau du benchmark de vérification")
    badge_class = BadgeClassFactory(issuer=issuer)
    owner = UserFactory()
    membership_set(issuer=issuer, user=owner, role=Membership.Role.OWNER)
    assertion = assertion_finalise(assertion=assertion_issue(
        badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam", issued_by=owner))
    with assertion.baked_png.open("rb") as handle:
        png = handle.read()

    asked: dict[str, tuple[int, str, bytes]] = {}
    real_remote = verification._fetch_remote

    def refuse_remote(url, **kwargs):
        raise AssertionError(f"HTTP request to {url}")

    verification._fetch_remote = refuse_remote
    real_local = verification._fetch_local

    def recording_local(url):
        asked[url] = real_local(url)
        return asked[url]

    verification._fetch_local = recording_local
    try:
        for _ in range(2):  # the first build of a document learns what it depends on, the second keeps it
            first = verification.verify_badge(png)
            assert first.status == "valid", [c for c in first.checks if not c.ok]
    finally:
        verification._fetch_local = real_local
    try:
        with CaptureQueriesContext(connection) as queries:
            verification.verify_badge(png)
        ours = median_ms(lambda: verification.verify_badge(png), runs=args.runs)
        if os.environ.get("BENCH_SHOW_QUERIES"):
            for q in queries.captured_queries:
                print(q["sql"][:300])
    finally:
        verification._fetch_remote = real_remote

    now = timezone.now()

    def in_memory(url):
        return asked[verification._ours_over_http(lambda u: u)(url)] if url not in asked else asked[url]

    engine = median_ms(lambda: verify(png, fetch=in_memory, fetch_static=in_memory, now=now,
                                      allow_loopback_http=True), runs=args.runs)
    print(f"Verify one of our baked PNGs in-process, median of {args.runs} runs:")
    print(f"  verify_badge (our documents read by id from the cache)   {ours:7.2f} ms   "
          f"{len(queries.captured_queries)} queries, {len(asked)} documents, no HTTP request")
    print(f"  engine alone, the same documents in memory (yardstick)   {engine:7.2f} ms")
    print(f"  ratio                                                    {ours / engine:7.2f}   "
          f"({'within' if ours <= 10 else 'over'} the 10 ms target)")


if __name__ == "__main__":
    main()
