"""The public verifier fetches URLs given by anyone: it must never reach our private network."""

import http.server
import socket
import threading
import time

import pytest

from badges import verification
from tests.helpers import verify_on_page

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
    page = verify_on_page(client, {"text": f"{base}/admin/keys"})
    assert "Ce badge n'a pas pu être vérifié" in page
    assert "internal" not in page
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
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    fetch = verification.budgeted_fetch(seconds=1.5)
    started = time.monotonic()
    with pytest.raises(verification.FetchRefused, match="trop de temps"):
        fetch(f"{slow_service}/badge.json")
    assert time.monotonic() - started < 5
    with pytest.raises(verification.FetchRefused, match="trop de temps"):
        fetch(f"{slow_service}/key.json")  # the budget is spent: not even a connection


@pytest.fixture
def slow_headers_service():
    """A raw socket server that answers its status line and headers one byte per second, for ever."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    connections = []

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Slow: " + b"a" * 10**6:
                if stop.wait(1.0):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _address = listener.accept()
            except TimeoutError:
                continue
            connections.append(conn)
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    stop.set()
    server.join()
    listener.close()


def test_a_server_sending_its_headers_one_byte_per_second_is_cut_at_the_deadline(settings, slow_headers_service):
    base, connections = slow_headers_service
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    fetch = verification.budgeted_fetch(seconds=2)
    started = time.monotonic()
    with pytest.raises(verification.FetchRefused, match="trop de temps"):
        fetch(f"{base}/badge.json")
    assert time.monotonic() - started < 3.5  # not 5 s per byte read, nor for ever
    assert connections  # it really connected and waited on the headers


def test_every_fetch_has_its_own_deadline_even_outside_a_verification(monkeypatch, settings, slow_headers_service):
    base, _connections = slow_headers_service
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    monkeypatch.setattr(verification, "FETCH_DEADLINE_S", 1.5)
    started = time.monotonic()
    with pytest.raises(verification.FetchRefused, match="trop de temps"):
        verification.safe_fetch(f"{base}/badge.json")
    assert time.monotonic() - started < 3


def test_the_verifier_page_reports_a_slow_server_in_french_within_the_deadline(monkeypatch, settings, client,
                                                                              slow_headers_service):
    base, _connections = slow_headers_service
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    monkeypatch.setattr(verification, "DEADLINE_S", 2.0)
    started = time.monotonic()
    page = verify_on_page(client, {"text": f"{base}/assertion.json"})
    assert time.monotonic() - started < 4
    assert "Ce badge n'a pas pu être vérifié" in page
    assert "La vérification prend trop de temps" in page
