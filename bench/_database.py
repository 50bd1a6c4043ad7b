"""The benchmarks' own PostgreSQL databases, created when missing (never the suite's or the app's)."""

from urllib.parse import urlparse


def ensure_database(database_url: str) -> None:
    import psycopg2

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username, password=url.password,
                            dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def mediator_and_badge(label: str):
    """After ``django.setup()``: the database migrated, then a new issuer, a mediator of it and a badge
    class, all named after ``label`` and a fresh run id. Returns (run id, issuer, mediator, badge class)."""
    import uuid

    from django.core.management import call_command

    from issuers.models import Membership
    from issuers.services import membership_set
    from tests.factories import BadgeClassFactory, IssuerFactory, UserFactory

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    issuer = IssuerFactory(name=f"Banc {label} {run}")
    mediator = UserFactory(username=f"bench-{run}")
    membership_set(issuer=issuer, user=mediator, role=Membership.Role.MEDIATOR)
    badge_class = BadgeClassFactory(issuer=issuer, name=f"Badge du banc {label} {run}")
    return run, issuer, mediator, badge_class
