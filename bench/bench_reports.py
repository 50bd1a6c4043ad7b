"""Activity reports over 100,000 badges of 50 issuers grouped in one network.

Creates the data once with bulk_create in a database of its own, then prints the time
to render the network report page, its XLSX and CSV exports and one issuer's page
(median of several runs), and the number of SQL queries of each: first counted afresh (as
after a badge was issued: the kept report is stale), then opened again (the kept report).

Run: .venv/bin/python bench/bench_reports.py [--assertions 100000] [--issuers 50] [--runs 5] [--fresh]
(the database is BENCH_DATABASE_URL, not DATABASE_URL; default
postgres://postgres@127.0.0.1:5432/badgehub_bench_reports; targets on the 2-core machine: page < 1 s, XLSX < 5 s.)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import ensure_database  # noqa: E402

TARGETS = {"page": 1.0, "xlsx": 5.0, "page, counted afresh": 1.0, "xlsx, counted afresh": 5.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assertions", type=int, default=100_000)
    parser.add_argument("--issuers", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="drop the bench data and create it again")
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL",
                                                "postgres://postgres@127.0.0.1:5432/badgehub_bench_reports")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["DEBUG"] = "false"  # as in production: Django keeps no query log
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgehub.settings")
    ensure_database(os.environ["DATABASE_URL"])


def build(n_assertions: int, n_issuers: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from badges.coop import Autonomie, Thematique
    from badges.models import Application, Assertion, BadgeClass
    from endorsements.models import Endorsement, Endorser
    from issuers.models import Issuer, Membership, Network
    from pathways.models import Enrolment, Pathway, PathwayStep

    rng = random.Random(14)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        departements = ["70", "25", "39", "90", "21", "58", "71", "89", "33", "14"]
        issuers = Issuer.objects.bulk_create(
            Issuer(name=f"Structure {i:02}", email=f"s{i}@bench.example.org",
                   departement=departements[i % len(departements)],
                   commune_insee=f"{departements[i % len(departements)]}{100 + i:03}")
            for i in range(n_issuers))
        network = Network.objects.create(name="Réseau du benchmark")
        network.issuers.set(issuers)
        User = get_user_model()
        coordinator = User.objects.create(username="bench-coordination", is_superuser=False)
        network.admins.add(coordinator)
        mediators = User.objects.bulk_create(User(username=f"bench-med-{i}", first_name=f"Médiateur {i}")
                                             for i in range(n_issuers * 2))
        Membership.objects.bulk_create(Membership(user=mediators[i], issuer=issuers[i // 2],
                                                  role=Membership.Role.MEDIATOR) for i in range(len(mediators)))
        themes, levels = list(Thematique.values), list(Autonomie.values)
        badges = BadgeClass.objects.bulk_create(
            BadgeClass(issuer=issuer, name=f"Badge {j} de {issuer.name}", description="-", criteria_narrative="-",
                       image="badges/bench.png", coop_thematiques=rng.sample(themes, rng.randint(0, 2)),
                       coop_autonomie=rng.choice(levels + [""]))
            for issuer in issuers for j in range(10))
        pathways = Pathway.objects.bulk_create(Pathway(issuer=issuer, name="Parcours", key_badge=badges[i * 10 + 9])
                                               for i, issuer in enumerate(issuers))
        PathwayStep.objects.bulk_create(
            PathwayStep(pathway=pathway, badge_class=badges[i * 10 + order], order=order,
                        min_delay_days=30 * order if i % 5 == 0 else 0)
            for i, pathway in enumerate(pathways) for order in range(1, 4))
        people = max(n_assertions // 3, 1)
        batch, created = [], 0
        for n in range(n_assertions):
            i = rng.randrange(n_issuers)
            batch.append(Assertion(
                badge_class=badges[i * 10 + rng.randrange(10)], recipient_email=f"p{rng.randrange(people)}@bench.org",
                issued_on=now - timedelta(days=rng.randrange(730), minutes=rng.randrange(1440)),
                issued_by=mediators[i * 2 + rng.randrange(2)], claim_token=f"bench-{n}",
                issued_via=rng.choice(["mediator"] * 6 + ["application", "self", "automatic"]),
                claimed_at=now if rng.random() < 0.6 else None,
                visibility="public" if rng.random() < 0.3 else "private"))
            if len(batch) == 5000:
                Assertion.objects.bulk_create(batch)
                created += len(batch)
                batch = []
        Assertion.objects.bulk_create(batch)
        Enrolment.objects.bulk_create(
            Enrolment(pathway=pathways[n % n_issuers], recipient_email=f"p{n}@bench.org",
                      started_on=now - timedelta(days=rng.randrange(700)),
                      completed_at=now - timedelta(days=rng.randrange(30)) if n % 3 == 0 else None)
            for n in range(n_assertions // 10))
        statuses = [Application.Status.ACCEPTED, Application.Status.REFUSED, Application.Status.SUBMITTED,
                    Application.Status.MORE_EVIDENCE]
        Application.objects.bulk_create(
            Application(badge_class=badges[rng.randrange(len(badges))], applicant_email=f"p{n}@bench.org",
                        applicant_name="-", status=statuses[n % 4], submitted_at=now - timedelta(days=n % 700),
                        decided_at=now - timedelta(days=n % 700) + timedelta(days=n % 9) if n % 4 < 2 else None)
            for n in range(n_assertions // 20))
        endorser = Endorser.objects.create(name="Région du benchmark", email="r@bench.org")
        Endorsement.objects.bulk_create(Endorsement(endorser=endorser, badge_class=badges[n * 5], statement="-")
                                        for n in range(n_issuers))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"created {n_assertions} badges of {n_issuers} issuers in {time.perf_counter() - started:.1f} s")


def drop() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                       "AND tablename NOT LIKE 'django_migrations'")
        tables = [row[0] for row in cursor.fetchall() if not row[0].startswith("django_")
                  and not row[0].startswith("auth_perm")]
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")


def measure(client, url: str, runs: int, before=None, **params) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs + 1):  # the first run warms caches and is left out
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        times.append(elapsed)
    return statistics.median(times[1:]), len(captured.captured_queries), len(response.content)


def main() -> None:
    args = parse_args()
    prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from badges.models import Assertion
    from issuers.models import Network

    call_command("migrate", verbosity=0)
    if args.fresh:
        drop()
    if not Network.objects.filter(name="Réseau du benchmark").exists():
        build(args.assertions, args.issuers)
    network = Network.objects.get(name="Réseau du benchmark")
    total = Assertion.objects.filter(badge_class__issuer__networks=network).count()
    print(f"{total} badges, {network.issuers.count()} issuers in the network")
    client = Client()
    client.force_login(network.admins.get())
    today = timezone.localdate()
    period = {"du": str(today - timedelta(days=729)), "au": str(today)}
    url = f"/badges/bilans/reseau/{network.public_id}/"
    issuer_ids = list(network.issuers.values_list("pk", flat=True))

    def badge_issued():
        # What issuing a badge in each structure does to the kept reports: they are counted again.
        from badges import document_cache

        document_cache.issuers_reports_changed(issuer_ids)

    results = {
        # Figures and charts counted for each opening, as after a badge was issued anywhere in the network.
        "page, counted afresh": measure(client, url, args.runs, badge_issued, **period),
        "xlsx, counted afresh": measure(client, url, args.runs, badge_issued, **period, format="xlsx"),
        # Opened again with the same filters: the kept figures and charts.
        "page": measure(client, url, args.runs, **period),
        "xlsx": measure(client, url, args.runs, **period, format="xlsx"),
        "csv": measure(client, url, args.runs, **period, format="csv"),
        "coop": measure(client, url, args.runs, **period, format="coop"),
        "filtered page (one département)": measure(client, url, args.runs, **period, departement="70"),
        "issuer page": measure(client, f"/badges/bilans/{network.issuers.first().public_id}/", args.runs, **period),
    }
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'what':<34}{'median':>10}{'queries':>9}{'bytes':>10}  target")
    for name, (seconds, queries, size) in results.items():
        target = TARGETS.get(name)
        verdict = f"< {target:.0f} s {'OK' if seconds < target else 'MISSED'}" if target else ""
        print(f"{name:<34}{seconds * 1000:>8.0f} ms{queries:>9}{size:>10}  {verdict}")


if __name__ == "__main__":
    main()
