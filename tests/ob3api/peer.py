"""Another badgehub, as a second live server: its own process (gunicorn), its own database,
its own address. Started by the test and stopped by its PID; its database dropped after."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import requests
from django.conf import settings

from tests.resilience.stack import GUNICORN, ROOT, Process, free_port, wait_for

SEED = """
from django.contrib.auth import get_user_model
from badges.services import email_address_add
user = get_user_model().objects.create_user({username!r}, password={password!r}, first_name="Sam")
email_address_add(user=user, email={email!r}, verified=True)
"""


def _admin_connection():
    db = settings.DATABASES["default"]
    connection = psycopg2.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
                                  host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    connection.autocommit = True
    return connection


class PeerSite:
    def __init__(self, log_dir: Path):
        db = settings.DATABASES["default"]
        self.db_name = f"{db['NAME']}_peer"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env = {key: value for key, value in os.environ.items()
               if key not in ("REDIS_URL", "CACHE_URL", "PYTEST_XDIST_WORKER", "DJANGO_SETTINGS_MODULE")}
        self.env = {**env, "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                                           f"{self.db_name}",
                    "SITE_URL": self.url, "BADGEHUB_VERIFIER_ALLOW_PRIVATE": "1",
                    "MEDIA_ROOT": str(log_dir / "media"), "BADGEHUB_VAR_DIR": str(log_dir / "var"),
                    "DJANGO_SETTINGS_MODULE": "badgehub.settings"}
        self.log_dir = log_dir
        self.web = Process("peer-web", [GUNICORN, "badgehub.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1",
                                        "--threads", "4", "--timeout", "60"], env=self.env, log_dir=log_dir)

    def _manage(self, *args: str) -> None:
        done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self, *, username: str, password: str, email: str) -> "PeerSite":
        connection = _admin_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{self.db_name}"')
        finally:
            connection.close()
        self._manage("migrate", "--noinput", "-v", "0")
        self._manage("shell", "-c", SEED.format(username=username, password=password, email=email))
        self.web.start()
        wait_for(lambda: requests.get(self.url + "/healthz", timeout=2).status_code == 200, timeout=60,
                 what=f"the peer site on {self.url}\n{self.web.log()}")
        return self

    def stop(self) -> None:
        self.web.stop()
        connection = _admin_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        finally:
            connection.close()
