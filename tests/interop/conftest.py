"""Fixtures for checks against verifiers we did not write.

The tools are installed by tests/interop/setup (called by scripts/test). They
are run as separate processes: 1EdTech's OB 2.0 validator in its own virtualenv,
Digital Bazaar's Data Integrity stack with node. Missing tools fail the tests.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from badges.issuing import assertion_finalise
from badges.models import Assertion
from badges.openbadges.jsonld import CONTEXT_FILES, CONTEXTS_DIR
from badges.services import assertion_issue

HERE = Path(__file__).parent
OB2_PYTHON = HERE / ".venv-ob2" / "bin" / "python"
OB2_RUNNER = HERE / "ob2_verify.py"
JS_DIR = HERE / "js"
RECIPIENT = "sam@example.org"


def _require(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path} is missing: run tests/interop/setup (scripts/test does it)", pytrace=False)


@dataclass
class ToolRun:
    returncode: int
    report: dict
    output: str

    @property
    def accepted(self) -> bool:
        return self.returncode == 0


def _run(command: list[str], *, env: dict | None = None, input: str | None = None, timeout: int = 120) -> ToolRun:
    done = subprocess.run(command, capture_output=True, text=True, input=input, env=env, timeout=timeout)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {}
    return ToolRun(done.returncode, report, done.stdout + done.stderr)


def node_env() -> dict:
    contexts = {url: str(CONTEXTS_DIR / name) for url, name in CONTEXT_FILES.items()}
    return {**os.environ, "BADGEHUB_CONTEXTS": json.dumps(contexts)}


@pytest.fixture(scope="session")
def ob2_validator():
    """1EdTech's validator: ``ob2_validator("url"|"file"|"text", value)``."""
    _require(OB2_PYTHON)

    def run(kind: str, value: str) -> ToolRun:
        return _run([str(OB2_PYTHON), str(OB2_RUNNER), kind, value])

    return run


@pytest.fixture(scope="session")
def node_script():
    """Run one of tests/interop/js/*.mjs on a JSON file."""
    _require(JS_DIR / "node_modules" / "@digitalbazaar" / "vc")

    def run(script: str, path: Path, *options: str) -> ToolRun:
        return _run(["node", str(JS_DIR / script), *options, str(path)], env=node_env())

    return run


@pytest.fixture
def site(live_server, settings) -> str:
    # Documents carry absolute URLs: they must point at the server the tools will fetch.
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def finalised(site, badge_class, owner) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email=RECIPIENT, recipient_name="Sam",
                             issued_by=owner, narrative="Observé à l'atelier.")
    return assertion_finalise(assertion=issued)


class ForeignWeb:
    """Another platform's server on this machine: path -> JSON document, over http."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        pages = self.pages = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                document = pages.get(self.path)
                body = json.dumps(document).encode() if document is not None else b"not found"
                self.send_response(200 if document is not None else 404)
                self.send_header("Content-Type", "application/json" if document is not None else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def foreign_web(settings):
    """A foreign issuer's server (did:web documents, extension contexts) on 127.0.0.1.
    Our verifier may reach it only because tests allow private addresses."""
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    web = ForeignWeb()
    yield web
    web.close()
