"""PostgreSQL restarts while the web server and the worker issue a batch: the work
completes, each row issued, signed, baked and mailed once. The cluster is our own
(initdb into a temp dir, pg_ctl on a spare port), restarted by pg_ctl."""

import json
import subprocess

import psycopg2
import pytest
from django.urls import reverse

from tests.resilience.stack import PYTHON, ROOT, Browser, PostgresCluster, Stack, wait_for

ROWS = 300


@pytest.fixture
def cluster():
    cluster = PostgresCluster().init()
    cluster.start()
    yield cluster
    cluster.remove()


def _query(url: str, sql: str):
    with psycopg2.connect(url, connect_timeout=3) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    conn.close()
    return row


def test_c_a_postgresql_restart_while_issuing_loses_nothing(cluster, own_redis, tmp_path):
    database = cluster.create_database("badgehub")
    media = tmp_path / "media"
    media.mkdir()
    env_stack = Stack(database_url=database, redis_url=own_redis.url, media_root=str(media), work=tmp_path)
    run = {"env": env_stack.env, "cwd": ROOT, "check": True, "capture_output": True, "text": True, "timeout": 300}
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    seeded = json.loads(subprocess.run([PYTHON, "-m", "tests.resilience.seed"],
                                       **{**run, "env": {**env_stack.env,
                                                         "DJANGO_SETTINGS_MODULE": "badgehub.settings"}}).stdout)
    try:
        env_stack.start_web()
        env_stack.start_worker()
        browser = Browser(env_stack.site_url, seeded["session"])
        csv = "nom;e-mail\n" + "".join(f"Personne {n};personne{n}@example.org\n" for n in range(ROWS))
        checked = browser.post(reverse("partner:batch_new", kwargs={"public_id": seeded["badge_class"]}),
                               {"narrative": ""}, files={"file": ("groupe.csv", csv.encode())})
        assert "/groupes/" in checked.url, checked.text[:300]
        start = checked.url.replace(env_stack.site_url, "") + "delivrer/"
        assert browser.post(start, {}, page=checked.url).status_code == 200

        wait_for(lambda: _query(database, "SELECT done FROM badges_issuebatch")[0] > 0, timeout=60,
                 what="the batch to start", every=0.02)
        cluster.restart()  # every connection of the web server and the worker is cut

        def finished():
            status, done = _query(database, "SELECT status, done FROM badges_issuebatch")
            unbaked = _query(database, "SELECT count(*) FROM badges_assertion WHERE baked_at IS NULL")[0]
            unsent = _query(database, "SELECT count(*) FROM badges_outgoingemail WHERE status <> 'sent'")[0]
            return status == "done" and done == ROWS and unbaked == 0 and unsent == 0

        wait_for(finished, timeout=120, what="the batch to finish after the restart")
        assert _query(database, "SELECT count(*), count(DISTINCT recipient_email) FROM badges_assertion") == (
            ROWS, ROWS)
        assert _query(database, "SELECT count(*) FROM badges_outgoingemail WHERE template = 'award'")[0] == ROWS
        received = env_stack.mails_by_recipient()
        assert len(received) == ROWS and all(len(ids) == 1 for ids in received.values())
    except BaseException:
        print(env_stack.logs())
        raise
    finally:
        env_stack.stop()
