"""Verify one OB 3.0 credential in-process with our engine and with Digital Bazaar's
JavaScript VC stack (tests/interop/js/verify.mjs), in the same run, and print medians.

Both sides verify the same eddsa-rdfc-2022 credential whose key is a did:key, so
neither touches the network; the JavaScript loop is timed inside node, after a
warm-up, so process start and module loading are not counted.

Run: tests/interop/setup && .venv/bin/python bench/bench_verify_compare.py [RUNS]
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from badges.openbadges import keys, ob3, proofs  # noqa: E402
from badges.openbadges.jsonld import CONTEXT_FILES, CONTEXTS_DIR  # noqa: E402
from badges.openbadges.verify import verify  # noqa: E402
from bench._timing import compare, warm_and_cold_ms  # noqa: E402
from tests.openbadges.factories import assertion, issuer  # noqa: E402

JS_VERIFY = ROOT / "tests" / "interop" / "js" / "verify.mjs"
OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"


def did_key_credential(created: str = "2025-01-01T00:00:00Z") -> dict:
    pair = keys.generate_ed25519()
    did = f"did:key:{pair.public_multibase}"
    data = assertion()
    badge = dataclasses.replace(data.badge, issuer=issuer(id=did, public_key_urls=()))
    data = dataclasses.replace(data, badge=badge)
    credential = ob3.build_credential(data)
    return proofs.add_data_integrity_proof(credential, pair.private_pem, f"{did}#{pair.public_multibase}", created)




# Kept for the process's life, as in a worker: the shipped JSON-LD context files.
PROCESS_CACHES = {"badges.openbadges.jsonld._load_context"}


def engine_caches() -> list:
    """Every memoised function of the engine (functools caches) but the shipped contexts:
    emptied before each timed cold run, so a repeated document cannot flatter the figure."""
    import importlib
    import pkgutil

    import badges.openbadges as engine

    found = {}
    for module_info in pkgutil.iter_modules(engine.__path__, engine.__name__ + "."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            qualified = f"{module.__name__}.{name}"
            if (not isinstance(value, type) and callable(getattr(value, "cache_clear", None))
                    and qualified not in PROCESS_CACHES
                    and getattr(value, "__module__", "").startswith(engine.__name__)):
                found[id(value)] = value
    return list(found.values())


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    if not (JS_VERIFY.parent / "node_modules").exists():
        sys.exit("Run tests/interop/setup first (installs the JavaScript verifier).")
    credential = did_key_credential()
    now = datetime.now(UTC)

    def no_fetch(url):
        raise AssertionError(f"unexpected fetch of {url}")

    report = verify(credential, fetch=no_fetch, now=now)
    assert report.valid, [c for c in report.checks if not c.ok]
    # Warm: the same credential every run (its proof configuration's canonical form is cached after
    # the first). Cold: a distinct credential, with its own key and `created`, every run, cache emptied.
    others = [did_key_credential(created=f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}Z") for i in range(1, runs + 1)]
    caches = engine_caches()  # jsonld.expansion_cache included: no node expanded before either
    ours_full, ours_full_cold = warm_and_cold_ms(lambda: verify(credential, fetch=no_fetch, now=now),
                                                 lambda doc: verify(doc, fetch=no_fetch, now=now), others,
                                                 clear=caches)
    ours_proof, ours_proof_cold = warm_and_cold_ms(lambda: proofs.verify_data_integrity_proof(credential, None),
                                                   lambda doc: proofs.verify_data_integrity_proof(doc, None),
                                                   others, clear=caches)

    env = {**os.environ, "BADGEHUB_CONTEXTS": json.dumps(
        {url: str(CONTEXTS_DIR / name) for url, name in CONTEXT_FILES.items()})}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(credential, handle)
    try:
        done = subprocess.run(["node", str(JS_VERIFY), "--bench", str(runs), handle.name],
                              capture_output=True, text=True, env=env, check=True, timeout=600)
    finally:
        os.unlink(handle.name)
    theirs = json.loads(done.stdout)["median_ms"]

    print(f"Verify an OB 3.0 credential (eddsa-rdfc-2022, did:key), median of {runs} runs:")
    print("                                       warm (same one)   cold (distinct ones, caches emptied)")
    print(f"  badgehub engine, full report       {ours_full:8.2f} ms       {ours_full_cold:8.2f} ms   "
          f"{compare(ours_full, ours_full_cold)}")
    print(f"  badgehub engine, proof only        {ours_proof:8.2f} ms       {ours_proof_cold:8.2f} ms   "
          f"{compare(ours_proof, ours_proof_cold)}")
    print(f"  @digitalbazaar/vc verifyCredential {theirs:8.2f} ms       (not measured: verify.mjs repeats "
          "one document)")
    print(f"  ratio ours / theirs, both warm     {ours_full / theirs:8.2f}")
    # The headline: ours with every engine cache emptied before each run (not flattered by its LRU).
    print(f"  ratio ours (caches emptied) / theirs {ours_full_cold / theirs:6.2f}   "
          f"({len(caches)} engine caches emptied before each cold run)")


if __name__ == "__main__":
    main()
