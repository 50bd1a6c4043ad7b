"""Stock pyld, in a process of its own: the yardstick our JSON-LD caching is checked against.

Run as a script (never imported by the engine): it imports pyld and nothing of ours, so
none of the caches or hooks ``badges/openbadges/jsonld.py`` adds to pyld are there.

    python tests/openbadges/stock_pyld.py canon < jobs.json   -> JSON list of N-Quads
    python tests/openbadges/stock_pyld.py serve                -> seconds per signature, line by line

``jobs.json``: {"contexts": {url: file}, "documents": [...]}; ``run("canon", ...)`` and
``StockSigner`` start the process from a test or a bench.

``canon`` is as fresh as pyld gets: each document starts with pyld's caches emptied and
reads its contexts from the files again. ``serve`` signs as a plain pyld user does: the
contexts parsed once and handed to pyld by a loader from memory (which pyld then processes
again for every document, as it does for any loader that does not tag them static).
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
import time
from pathlib import Path

from pyld import jsonld

OPTIONS = {"algorithm": "URDNA2015", "format": "application/n-quads", "base": None}


def _file_loader(files: dict[str, str]):
    def load(url: str, options=None) -> dict:
        return {"contextUrl": None, "documentUrl": url, "contentType": "application/ld+json",
                "document": json.loads(Path(files[url]).read_text(encoding="utf-8"))}
    return load


def _memory_loader(files: dict[str, str]):
    parsed = {url: json.loads(Path(path).read_text(encoding="utf-8")) for url, path in files.items()}

    def load(url: str, options=None) -> dict:
        return {"contextUrl": None, "documentUrl": url, "contentType": "application/ld+json",
                "document": parsed[url]}
    return load


def canon(job: dict) -> list[str]:
    loader = _file_loader(job["contexts"])
    out = []
    for document in job["documents"]:
        jsonld._resolved_context_cache.clear()
        jsonld._inverse_context_cache.clear()
        out.append(jsonld.normalize(document, {**OPTIONS, "documentLoader": loader}))
    return out


def canon_or_error(job: dict) -> list[str]:
    """``canon``, with the name of the exception for a document pyld refuses."""
    loader = _file_loader(job["contexts"])
    out = []
    for document in job["documents"]:
        jsonld._resolved_context_cache.clear()
        jsonld._inverse_context_cache.clear()
        try:
            out.append(jsonld.normalize(document, {**OPTIONS, "documentLoader": loader}))
        except Exception as exc:
            out.append(f"error: {type(exc).__name__}")
    return out


class Signer:
    """Signs as a plain pyld user would: canonical proof configuration and document, SHA-256
    of each, Ed25519, the proof added to a copy of the document."""

    def __init__(self, contexts: dict[str, str], key_pem: str):
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        self.key = load_pem_private_key(key_pem.encode("ascii"), password=None)
        self.options = {**OPTIONS, "documentLoader": _memory_loader(contexts)}

    def seconds(self, document: dict, config: dict) -> float:
        start = time.process_time()
        canonical_config = jsonld.normalize(config, self.options)
        canonical_document = jsonld.normalize(document, self.options)
        signature = self.key.sign(hashlib.sha256(canonical_config.encode()).digest()
                                  + hashlib.sha256(canonical_document.encode()).digest())
        secured = copy.deepcopy(document)
        secured["proof"] = [{**config, "proofValue": signature.hex()}]
        return time.process_time() - start


def serve() -> None:
    """One JSON line in (first {"contexts", "key"}, then {"document", "config"} per job),
    one line out per job: the seconds stock pyld took to sign it."""
    setup = json.loads(sys.stdin.readline())
    signer = Signer(setup["contexts"], setup["key"])
    for line in sys.stdin:
        job = json.loads(line)
        print(signer.seconds(job["document"], job["config"]), flush=True)


class StockSigner:
    """A stock pyld process to time one signature at a time, alternating with ours."""

    def __init__(self, key_pem: str):
        import subprocess

        self.process = subprocess.Popen([sys.executable, __file__, "serve"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self._send({"contexts": _context_files(), "key": key_pem})

    def _send(self, value: dict) -> None:
        self.process.stdin.write(json.dumps(value) + "\n")
        self.process.stdin.flush()

    def seconds(self, document: dict, config: dict) -> float:
        self._send({"document": document, "config": config})
        return float(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _context_files() -> dict[str, str]:
    from badges.openbadges.jsonld import CONTEXT_FILES, CONTEXTS_DIR

    return {url: str(CONTEXTS_DIR / name) for url, name in CONTEXT_FILES.items()}


def run(mode: str, payload: dict) -> list:
    """Run ``mode`` in a fresh interpreter (called from tests and bench/, which import our engine)."""
    import subprocess

    payload = {"contexts": _context_files(), **payload}
    out = subprocess.run([sys.executable, __file__, mode], input=json.dumps(payload), capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve()
    elif sys.argv[1] == "canon-or-error":
        json.dump(canon_or_error(json.load(sys.stdin)), sys.stdout)
    else:
        json.dump(canon(json.load(sys.stdin)), sys.stdout)
