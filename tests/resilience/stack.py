"""The production shape, started by the test and stopped by it: its own Redis on a
spare port, its own PostgreSQL cluster, a gunicorn web server and a Celery worker
(prefork, with its beat) as subprocesses that can be stopped, killed and restarted.

Every process here is started by us and stopped by its PID (or the process group we
created for it); the machine's shared PostgreSQL and Redis are never touched.
"""

import collections
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, *, timeout: float, what: str, every: float = 0.2):
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except Exception:  # noqa: BLE001 - a service still starting
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Process:
    """A subprocess in its own process group, its output kept in a log file."""

    def __init__(self, name: str, args: list[str], *, env: dict, log_dir: Path, cwd: Path = ROOT) -> None:
        self.name, self.args, self.env, self.cwd = name, args, env, cwd
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.restarts = 0
        self._supervisor: threading.Thread | None = None
        self._stopping = threading.Event()

    def supervise(self) -> "Process":
        """Start it again whenever it exits on its own, as compose's ``restart: unless-stopped``
        does for the production worker."""
        def watch() -> None:
            while not self._stopping.wait(0.5):
                proc = self.proc
                if proc is not None and proc.poll() is not None:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)  # children it left behind
                    except (ProcessLookupError, PermissionError):
                        pass
                    self.restarts += 1
                    self.start()

        self._supervisor = threading.Thread(target=watch, name=f"supervise-{self.name}", daemon=True)
        self._supervisor.start()
        return self

    def start(self) -> "Process":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Signal the group we created (the process and the children it forked), then wait."""
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
            self._supervisor = None
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Children of a killed worker may outlive their parent for a moment.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc = None


class RedisServer:
    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = Process("redis", ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], env=dict(os.environ), log_dir=log_dir)

    def start(self) -> "RedisServer":
        self.process.start()
        wait_for(lambda: redis.Redis(port=self.port, socket_connect_timeout=1).ping(), timeout=20,
                 what=f"redis-server on port {self.port}")
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.process.stop(sig)


class PostgresCluster:
    """A throw-away cluster: initdb into a temp dir as the postgres user, pg_ctl on a spare port."""

    def __init__(self) -> None:
        self.port = free_port()
        # Straight under /tmp: the postgres user cannot enter pytest's (root-only) temp dirs.
        self.dir = Path(tempfile.mkdtemp(prefix="badgehub-pgcluster-"))
        self.data = self.dir / "data"
        self.sockets = self.dir / "sockets"
        self.sockets.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        shutil.chown(self.sockets, "postgres", "postgres")
        self.log = self.dir / "postgres.log"

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and done.returncode:
            raise AssertionError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> "PostgresCluster":
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync",
                          "-E", "UTF8", "--locale", "C.UTF-8")
        return self

    def start(self) -> None:
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o",
                          f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def restart(self) -> None:
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-m", "fast", "-w", "-t", "60", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)

    def create_database(self, name: str) -> str:
        conn = psycopg2.connect(self.url("postgres"))
        conn.autocommit = True
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
        conn.close()
        return self.url(name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Stack:
    """gunicorn + a Celery worker with its beat, on the given database and Redis."""

    def __init__(self, *, database_url: str, redis_url: str, media_root: str, work: Path) -> None:
        self.work = work
        self.mail_dir = work / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        self.web_port = free_port()
        self.site_url = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "CELERY"))},
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_URL": redis_url.rsplit("/", 1)[0] + "/1",
            "CELERY_QUEUE": f"faults-{self.web_port}",
            "MEDIA_ROOT": media_root,
            "SITE_URL": self.site_url,
            "EMAIL_URL": f"filemail:///{self.mail_dir}",  # the scheme drops one leading slash
            # The sweeper every 2 s, for work waiting more than 3 s (a minute and 3 min in production).
            "BADGEHUB_SWEEP_SECONDS": "2",
            "BADGEHUB_STALLED_AFTER_SECONDS": "3",
            "PYTHONUNBUFFERED": "1",
        }
        self.web = Process("web", [GUNICORN, "badgehub.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
                                   "--workers", "1", "--threads", "4", "--timeout", "60", "--no-control-socket"],
                           env=self.env, log_dir=work)
        self.workers: list[Process] = []

    def start_web(self) -> None:
        self.web.start()
        wait_for(lambda: requests.get(self.site_url + "/", timeout=2).status_code < 500, timeout=60,
                 what="gunicorn to answer")

    def start_worker(self, *, restart: bool = False) -> Process:
        """A prefork worker with its beat; ``restart``: started again when it exits on its own,
        as compose restarts the production worker."""
        number = len(self.workers) + 1
        worker = Process(f"worker{number}", [
            CELERY, "-A", "badgehub", "worker", "--pool", "prefork", "--concurrency", "2", "--beat",
            "--schedule", str(self.work / f"beat-schedule-{number}"), "--loglevel", "INFO",
            "--hostname", f"faults{number}@%h", "--without-gossip", "--without-mingle",
        ], env=self.env, log_dir=self.work).start()
        self.workers.append(worker)
        wait_for(lambda: "ready." in worker.log(), timeout=60, what=f"{worker.name} to be ready")
        return worker.supervise() if restart else worker

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.web.stop()

    def logs(self) -> str:
        return "\n".join(f"===== {p.name} =====\n{p.log()[-6000:]}" for p in [self.web, *self.workers])

    def mails_by_recipient(self) -> dict[str, collections.Counter]:
        """recipient → Counter of the Message-IDs of the messages it received (the file backend's output)."""
        received: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for path in self.mail_dir.glob("*.log"):
            for message in path.read_text(errors="replace").split("-" * 79):
                to = re.search(r"^To: (.+)$", message, re.M)
                message_id = re.search(r"^Message-ID: (.+)$", message, re.M)
                if to:
                    received[to.group(1).strip()][message_id.group(1).strip() if message_id else None] += 1
        return received


class Browser:
    """A mediator's browser against the gunicorn server: session cookie, CSRF, forms."""

    def __init__(self, site_url: str, session_key: str) -> None:
        self.site_url = site_url
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key, domain="127.0.0.1")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.site_url + path

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.url(path), timeout=60)

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def post(self, path: str, data: dict, *, files=None, page: str | None = None) -> requests.Response:
        form = self.get(page or path).text
        return self.http.post(self.url(path), data={"csrfmiddlewaretoken": self.csrf(form), **data},
                              files=files, timeout=60, headers={"Referer": self.url(path)})


def session_for(user) -> str:
    """A signed-in session for ``user`` in the database the servers use."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value
