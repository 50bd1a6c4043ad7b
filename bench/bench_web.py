"""Serving under load on the production shape: gunicorn (BADGEHUB_MODE=production, 3 sync
workers as in docker-compose.yml), PostgreSQL, Redis, and Debian's ``wrk``.

Creates an issuer, a badge class and a beneficiary holding two public badges, starts
gunicorn with bench.web_settings (the production settings plus a trivial view running
``SELECT 1``: the yardstick, measured in the same run), checks that every hosted document
answers 304 to If-None-Match and If-Modified-Since, then runs wrk on each endpoint at 50
and 10 connections and prints req/s, the ratio to the trivial view, p50, p99 and errors.

Run: .venv/bin/python bench/bench_web.py [--duration 30] [--connections 50,10] [--only NAME,...]
(BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/badgehub_bench_web; REDIS_URL
as for the app. Figures depend on the machine: read the ratios.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import ensure_database  # noqa: E402

WRK = shutil.which("wrk") or "/usr/bin/wrk"
SECRET_KEY = "bench-web-secret-key-not-for-production-0123456789-abcdefghijklmnop"
JSON = "application/ld+json"
HTML = "text/html"
# wrk's done() hook: the figures as one JSON line (latencies in microseconds).
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status": %d,'
    .. ' "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of wrk per endpoint and level")
    parser.add_argument("--connections", default="50,10")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated endpoint names (the trivial view always runs)")
    return parser.parse_args()


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_environment(site: str, media_root: str) -> dict[str, str]:
    """The environment of both this process (which creates the data) and gunicorn."""
    database = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/badgehub_bench_web")
    ensure_database(database)
    env = {
        "DATABASE_URL": database, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "SECRET_KEY": SECRET_KEY, "SITE_URL": site, "ALLOWED_HOSTS": "127.0.0.1",
        "KEY_ENCRYPTION_KEY": os.environ.get("KEY_ENCRYPTION_KEY", "ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTAwMDA="),
        "MEDIA_ROOT": media_root, "DEBUG": "false",
        "CELERY_QUEUE": "bench_web",  # no worker: the e-mails and tasks queued wait there
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgehub.settings")
    return env


def create_data() -> tuple[dict[str, tuple[str, str]], str]:
    """The endpoints (name -> (path, Accept)) and the beneficiary's session cookie."""
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # django-axes announces the force_login below
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from badges.issuing import assertion_finalise
    from badges.models import Assertion
    from badges.services import assertion_issue
    from badges.services.wallet import assertion_claim
    from issuers.models import Membership, SigningKey
    from issuers.services import membership_set
    from tests.factories import BadgeClassFactory, IssuerFactory, UserFactory

    issuer = IssuerFactory(name="Réseau du benchmark web")
    badge_class = BadgeClassFactory(issuer=issuer, name="Je sais utiliser un ordinateur")
    owner = UserFactory()
    membership_set(issuer=issuer, user=owner, role=Membership.Role.OWNER)
    person = UserFactory(email=f"bench-{issuer.public_id}@example.org")
    held = []
    for i in range(2):
        assertion = assertion_issue(badge_class=badge_class, recipient_email=person.email, recipient_name="Sam",
                                    issued_by=owner, narrative=f"Observé en atelier ({i + 1})")
        assertion = assertion_finalise(assertion=assertion)
        assertion_claim(assertion=assertion, user=person)
        Assertion.objects.filter(pk=assertion.pk).update(visibility=Assertion.Visibility.PUBLIC)
        held.append(assertion)
    assertion = held[0]
    number, _index = assertion.status_list
    key = issuer.signing_keys.filter(algorithm=SigningKey.Algorithm.ED25519).first()
    client = Client()
    client.force_login(person)
    endpoints = {
        "trivial view (SELECT 1)": ("/bench/trivial", HTML),
        "hosted OB 2.0 assertion JSON": (f"/badges/assertions/{assertion.public_id}/", JSON),
        "OB 3.0 credential JSON": (f"/ob/credentials/{assertion.public_id}", JSON),
        "Bitstring status list": (f"/ob/issuers/{issuer.public_id}/status/{number}", JSON),
        "OB 2.0 BadgeClass": (f"/badges/classes/{badge_class.public_id}/", JSON),
        "OB 2.0 issuer Profile": (f"/ob/v2/issuers/{issuer.public_id}", JSON),
        "OB 3.0 issuer Profile": (f"/ob/issuers/{issuer.public_id}", JSON),
        "DID document": (f"/ob/issuers/{issuer.public_id}/did.json", JSON),
        "key": (f"/ob/keys/{key.public_id}", JSON),
        "revocation list": (f"/ob/issuers/{issuer.public_id}/revocations", JSON),
        "public badge page": (f"/badges/assertions/{assertion.public_id}/", HTML),
        "wallet (2 badges)": ("/passeport/", HTML),
    }
    return endpoints, client.cookies["sessionid"].value


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def start_gunicorn(env: dict[str, str], port: int, workers: int, static_root: str) -> subprocess.Popen:
    env = {**env, "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""),
           "BADGEHUB_MODE": "production", "DJANGO_SETTINGS_MODULE": "bench.web_settings",
           "STATIC_ROOT": static_root, "LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "badgehub.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            if fetch(f"http://127.0.0.1:{port}/healthz", {})[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-3000:])
        time.sleep(0.3)


def check_conditional_gets(site: str, endpoints: dict[str, tuple[str, str]]) -> list[str]:
    """Every JSON document: 200 with a strong ETag, then 304 to If-None-Match and If-Modified-Since."""
    lines = []
    for name, (path, accept) in endpoints.items():
        if accept != JSON:
            continue
        status, headers, _body = fetch(site + path, {"Accept": accept})
        etag, modified = headers.get("ETag", ""), headers.get("Last-Modified", "")
        by_etag = fetch(site + path, {"Accept": accept, "If-None-Match": etag})[0] if etag else None
        by_date = fetch(site + path, {"Accept": accept, "If-Modified-Since": modified})[0] if modified else None
        ok = status == 200 and etag.startswith('"') and by_etag == 304 and by_date == 304
        lines.append(f"  {'ok  ' if ok else 'FAIL'} {name:32} {status} ETag {etag or '-':36} "
                     f"If-None-Match → {by_etag}  If-Modified-Since → {by_date}  "
                     f"Cache-Control: {headers.get('Cache-Control', '-')}")
    return lines


def run_wrk(url: str, headers: dict[str, str], *, connections: int, threads: int, duration: int,
            script: str) -> dict:
    command = [WRK, f"-t{min(threads, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True, timeout=duration + 60)
    return json.loads(done.stdout.strip().splitlines()[-1])


def rate_of(result: dict) -> float:
    return result["requests"] / (result["duration_us"] / 1e6)


def main() -> None:
    args = parse_args()
    if not Path(WRK).exists():
        sys.exit("wrk not found: apt-get install wrk")
    levels = [int(c) for c in args.connections.split(",")]
    port = spare_port()
    site = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        env = prepare_environment(site, str(Path(tmp) / "media"))
        endpoints, session = create_data()
        wanted = {n.strip() for n in args.only.split(",") if n.strip()}
        trivial = "trivial view (SELECT 1)"
        if wanted:
            endpoints = {n: e for n, e in endpoints.items() if n in wanted or n == trivial}
        script = str(Path(tmp) / "report.lua")
        Path(script).write_text(WRK_REPORT)
        gunicorn = start_gunicorn(env, port, args.workers, str(Path(tmp) / "static"))
        try:
            print(f"gunicorn, BADGEHUB_MODE=production, {args.workers} sync workers; wrk {args.duration} s per "
                  f"endpoint and level, {args.threads} threads")
            print("Conditional GETs:")
            for line in check_conditional_gets(site, endpoints):
                print(line)
            # The machine's load drifts: each endpoint is compared with a run of the trivial
            # view just before it, at the same level.
            results: dict[tuple[str, int], tuple[dict, dict]] = {}
            trivial_headers = {"Accept": HTML, "X-Forwarded-Proto": "https"}
            for connections in levels:
                for name, (path, accept) in endpoints.items():
                    if name == trivial:
                        continue
                    headers = {"Accept": accept, "X-Forwarded-Proto": "https"}
                    if name.startswith("wallet"):
                        headers["Cookie"] = f"sessionid={session}"
                    fetch(site + path, headers)  # built once before the clock starts, as in use
                    yardstick = run_wrk(site + endpoints[trivial][0], trivial_headers, connections=connections,
                                        threads=args.threads, duration=args.duration, script=script)
                    measured = run_wrk(site + path, headers, connections=connections, threads=args.threads,
                                       duration=args.duration, script=script)
                    results[name, connections] = (measured, yardstick)
            for connections in levels:
                rates = sorted(rate_of(y) for (_n, c), (_m, y) in results.items() if c == connections)
                print(f"\nat {connections} connections (trivial view: median {rates[len(rates) // 2]:.0f} req/s)")
                print(f"  {'endpoint':32}    req/s   ÷ trivial     p50 ms    p99 ms   errors")
                for name in endpoints:
                    if name == trivial:
                        continue
                    measured, yardstick = results[name, connections]
                    errors = sum(measured[k] for k in ("status", "connect", "read", "write", "timeout"))
                    print(f"  {name:32} {rate_of(measured):8.0f}   {rate_of(measured) / rate_of(yardstick):6.2f}   "
                          f"{measured['p50_us'] / 1000:8.1f}  {measured['p99_us'] / 1000:8.1f}   {errors}")
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
