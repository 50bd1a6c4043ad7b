"""The public verifier fetches URLs given by anyone: it must never reach our private network."""

import http.server
import threading

import pytest
from django.urls import reverse

from badges import verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def internal_service():
    """A service on loopback, standing for an internal admin API or a cloud metadata endpoint."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"secret": "internal"}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_the_verifier_refuses_a_loopback_url(client, internal_service):
    base, hits = internal_service
    response = client.post(reverse("badges:verify"), {"text": f"{base}/admin/keys"})
    assert response.status_code == 200
    assert "internal" not in response.content.decode()
    assert hits == []


def test_a_name_that_resolves_to_a_public_address_when_checked_and_to_loopback_when_fetched_is_refused(
        monkeypatch, internal_service):
    """DNS rebinding: the address actually connected to is what counts."""
    base, hits = internal_service
    monkeypatch.setattr(verification, "_is_public_host", lambda host: True)
    with pytest.raises(verification.FetchRefused):
        verification.safe_fetch(f"{base}/latest/meta-data/")
    assert hits == []


def test_the_private_network_switch_still_lets_a_test_server_be_fetched(settings, internal_service):
    base, hits = internal_service
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    status, _type, body = verification.safe_fetch(f"{base}/badge.json")
    assert status == 200 and hits == ["/badge.json"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "http://[::1]:6379/",
                                 "http://0x7f000001/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/"])
def test_other_schemes_and_disguised_private_addresses_are_refused(url):
    with pytest.raises(verification.FetchRefused):
        verification.safe_fetch(url)


@pytest.fixture
def slow_service():
    """A server that answers, then sends its body one byte at a time, for ever."""
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(10 ** 6))
            self.end_headers()
            while not stop.is_set():
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                stop.wait(0.2)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    stop.set()
    server.shutdown()


def test_one_verification_fetches_a_bounded_number_of_documents(settings, internal_service):
    base, hits = internal_service
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    fetch = verification.budgeted_fetch(max_fetches=2)
    fetch(f"{base}/issuer.json")
    fetch(f"{base}/key.json")
    with pytest.raises(verification.FetchRefused, match="Trop de documents"):
        fetch(f"{base}/endorser.json")
    assert hits == ["/issuer.json", "/key.json"]


def test_a_server_sending_drop_by_drop_is_cut_at_the_verification_deadline(settings, slow_service):
    import time

    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    fetch = verification.budgeted_fetch(seconds=1.5)
    started = time.monotonic()
    with pytest.raises(verification.FetchRefused, match="trop de temps"):
        fetch(f"{slow_service}/badge.json")
    assert time.monotonic() - started < 5
    with pytest.raises(verification.FetchRefused, match="trop de temps"):
        fetch(f"{slow_service}/key.json")  # the budget is spent: not even a connection
