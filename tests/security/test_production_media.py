"""The production shape alone (gunicorn, BADGEHUB_MODE=production, no web server in
front) serves the image a hosted OB 2.0 BadgeClass points to, and keeps private
evidence private."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from badges.services import EvidenceInput, assertion_issue

ROOT = Path(__file__).resolve().parents[2]


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, accept: str = "*/*") -> tuple[int, dict, bytes]:
    # As behind the TLS-terminating proxy production expects (SECURE_PROXY_SSL_HEADER).
    request = urllib.request.Request(url, headers={"Accept": accept, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    port = spare_port()
    database = settings.DATABASES["default"]
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    site = f"http://127.0.0.1:{port}"
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""),
        "BADGEHUB_MODE": "production",
        "SECRET_KEY": "a-long-and-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DATABASE_URL": f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{connection.settings_dict['NAME']}",
        "SITE_URL": site, "ALLOWED_HOSTS": "127.0.0.1",
        "KEY_ENCRYPTION_KEY": ",".join(settings.KEY_ENCRYPTION_KEYS),
        "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # As docker-compose's web service: static files collected (hashed names) before gunicorn starts.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "badgehub.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch(f"{site}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        yield site
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_gunicorn_alone_serves_the_image_of_a_hosted_badge_class(gunicorn, badge_class):
    status, _headers, body = fetch(f"{gunicorn}/badges/classes/{badge_class.public_id}/", "application/ld+json")
    assert status == 200
    image_url = json.loads(body)["image"]
    assert image_url.startswith(gunicorn + "/media/badges/")
    status, headers, image = fetch(image_url)
    assert status == 200 and headers["Content-Type"] == "image/png" and image.startswith(b"\x89PNG")
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_in_production_too_private_evidence_is_not_served(gunicorn, badge_class, owner, beneficiary):
    assertion = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, issued_by=owner,
                                evidence=[EvidenceInput(file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))])
    path = assertion.evidence.get().file.url
    assert fetch(gunicorn + path)[0] == 404
