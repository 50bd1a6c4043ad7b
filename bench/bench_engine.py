"""Print timings of the Open Badges engine: signing, verifying, PNG baking.

Run: .venv/bin/python bench/bench_engine.py [RUNS]
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from pyld.__about__ import __version__ as pyld_version  # noqa: E402

from badges.openbadges import bake, jsonld, keys, ob3, proofs  # noqa: E402
from bench._timing import compare, median_ms, warm_and_cold_ms  # noqa: E402
from tests.openbadges import stock_pyld  # noqa: E402
from tests.openbadges.factories import ISSUER_ID, KEY_URL, assertion, badge, issuer, status_entry  # noqa: E402


def _credential(i: int, *, new_badge: bool) -> dict:
    """A credential of the batch shape (one badge, distinct recipients) or, with
    ``new_badge``, one of a badge and issuer never seen before."""
    extra = {}
    if new_badge:
        badge_issuer = issuer(name=f"Réseau {i} — médiation", description=f"Structure n° {i}")
        extra["badge"] = badge(id=f"https://badgehub.example/badges/b{i}", name=f"Badge {i} : tableur",
                               description=f"Sait utiliser un tableur ({i})", issuer=badge_issuer)
    return ob3.build_credential(assertion(
        id=f"https://badgehub.example/assertions/{'n' if new_badge else 'b'}{i}",
        recipient_email=f"personne{i}@example.org", salt=f"sel{i}", narrative=f"Observé en atelier le jour {i}",
        **extra), status=status_entry(i))


def _created(i: int) -> str:
    # Distinct moments, with microseconds, as the issuing service writes them.
    return f"2025-01-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.{i * 7919 % 1000000:06d}Z"


def _config(document: dict, created: str) -> dict:
    return {"type": "DataIntegrityProof", "cryptosuite": proofs.CRYPTOSUITE, "created": created,
            "verificationMethod": KEY_URL, "proofPurpose": "assertionMethod", "@context": document["@context"]}


BLOCK = 20


def _clear_engine_caches() -> None:
    proofs._canonize_config.cache_clear()
    jsonld.clear_caches()


def signing_against_stock_pyld(pair, runs: int) -> None:
    """DI signing with our engine and with stock pyld (a process of its own, no hook of
    ours), on the same documents, one call of each in turn: every ratio is of two calls
    made a few milliseconds apart, so a load change on a shared machine weighs on both."""
    private = keys.ed25519_private(pair.private_pem)
    stock = stock_pyld.StockSigner(pair.private_pem.decode("ascii"))

    def ours(document: dict, created: str, *, cold: bool = False) -> float:
        if cold:
            _clear_engine_caches()
        start = time.process_time()
        proofs.add_data_integrity_proof(document, private, KEY_URL, created)
        return time.process_time() - start

    same, same_created = _credential(0, new_badge=False), _created(0)
    ours(same, same_created)
    cases = {
        # One badge, a distinct recipient, id, salt, narrative, status index and created each
        # time (a CSV batch): the badge's nodes are found expanded, never the recipient's.
        "batch": lambda i: (_credential(i, new_badge=False), _created(i), False),
        # A badge and issuer never seen, our caches emptied before the call.
        "cold": lambda i: (_credential(i, new_badge=True), _created(i), True),
        # The same document and created every call: everything of ours hits.
        "same": lambda i: (same, same_created, False),
    }
    figures = {}
    for label, make in cases.items():
        pairs = []
        for i in range(1, runs + 1):
            document, created, cold = make(i)
            stock_s = stock.seconds(document, _config(document, created))
            pairs.append((ours(document, created, cold=cold), stock_s))
        figures[label] = (statistics.median(o for o, _ in pairs) * 1000, statistics.median(s for _, s in pairs) * 1000,
                          statistics.median(o / s for o, s in pairs))
    # A batch as a worker signs it: one credential after another, BLOCK of ours, then the same
    # BLOCK documents by stock pyld one after another, and so on; each ratio is of two
    # neighbouring blocks' total CPU time.
    blocks = []
    for b in range(max(runs // 10, 5)):
        documents = [(_credential(10_000 + b * BLOCK + i, new_badge=False), _created(10_000 + b * BLOCK + i))
                     for i in range(BLOCK)]
        ours_s = sum(ours(document, created) for document, created in documents)
        stock_s = sum(stock.seconds(document, _config(document, created)) for document, created in documents)
        blocks.append((ours_s / BLOCK, stock_s / BLOCK))
    figures["run"] = (statistics.median(o for o, _ in blocks) * 1000, statistics.median(s for _, s in blocks) * 1000,
                      statistics.median(o / s for o, s in blocks))
    stock.close()
    print(f"DI signing (eddsa-rdfc-2022, OB 3.0 credential) against stock pyld {pyld_version} "
          f"(its own process, same documents, process CPU time), median of {runs} alternated calls, "
          f"or of {len(blocks)} alternated runs of {BLOCK}:")
    for label, words in (("batch", "batch, call by call: one badge, distinct recipient"),
                         ("run", f"batch, {BLOCK} calls in a row (as a worker signs)"),
                         ("cold", "cold: a new badge and issuer, our caches emptied"),
                         ("same", "the same document and created every call")):
        ours_ms, stock_ms, ratio = figures[label]
        print(f"  {words:50} ours {ours_ms:7.3f} ms  stock {stock_ms:7.3f} ms  ours/stock {ratio:.3f}")
    for label, words in (("run", "in a row"), ("batch", "call by call")):
        ratio = figures[label][2]
        print(f"  verdict: batch signing {words} at {ratio:.3f} x stock pyld: "
              f"{'within' if ratio <= 0.1 else 'ABOVE'} the 0.1 x target")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    pair = keys.generate_ed25519()
    signing_against_stock_pyld(pair, runs)
    credential = ob3.build_credential(assertion(), status=status_entry())
    signed = proofs.add_data_integrity_proof(credential, pair.private_pem, KEY_URL, "2025-01-01T00:00:00Z")
    resolver = lambda vm: (pair.public_multibase, ISSUER_ID)  # noqa: E731
    private = keys.ed25519_private(pair.private_pem)

    # Warm: the same document every call (every cache hits). Cold: a different document
    # of a badge never seen every call, our caches emptied before each (a verifier that
    # never saw the document).
    documents = [_credential(i, new_badge=True) for i in range(runs)]
    signed_each = [proofs.add_data_integrity_proof(documents[i], private, KEY_URL, _created(i)) for i in range(runs)]
    check = warm_and_cold_ms(lambda: proofs.verify_data_integrity_proof(signed, resolver),
                             lambda doc: proofs.verify_data_integrity_proof(doc, resolver), signed_each,
                             clear=[proofs._canonize_config, jsonld.expansion_cache, jsonld._IRI_MEMO,
                                    jsonld.shape_templates])
    jwt = warm_and_cold_ms(lambda: proofs.sign_vc_jwt(credential, private, KEY_URL),
                           lambda doc: proofs.sign_vc_jwt(doc, private, KEY_URL), documents)
    print(f"median of {runs} calls each; warm = same document, cold = distinct ones, caches emptied")
    for label, (warm_ms, cold_ms) in (("DI verify", check), ("VC-JWT sign (EdDSA)", jwt)):
        print(f"{label:34} warm {warm_ms:8.3f} ms   cold {cold_ms:8.3f} ms   {compare(warm_ms, cold_ms)}")
    print("(ours keeps the JSON-LD contexts a process loads and processes once, as a worker does)")

    image = Image.frombytes("RGB", (450, 450), os.urandom(450 * 450 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    png = buffer.getvalue()
    token = proofs.sign_vc_jwt(credential, private, KEY_URL)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp, "in.png"), Path(tmp, "out.png")
        src.write_bytes(png)
        copy_ms = median_ms(lambda: shutil.copyfile(src, dst))
        rw_ms = median_ms(lambda: dst.write_bytes(src.read_bytes()))
        bake_ms = median_ms(
            lambda: dst.write_bytes(bake.bake_png(src.read_bytes(), token, keyword="openbadgecredential"))
        )
        read_bake_ms = median_ms(lambda: bake.bake_png(src.read_bytes(), token, keyword="openbadgecredential"))
        other_ms = bakery_median_ms(src, token)
    print(
        f"PNG {len(png) // 1024} KB: shutil.copyfile {copy_ms:.3f} ms, read+write {rw_ms:.3f} ms, "
        f"read+bake+write {bake_ms:.3f} ms "
        f"(x{bake_ms / rw_ms:.2f} of read+write, x{bake_ms / copy_ms:.2f} of copyfile), "
        f"bake in memory {median_ms(lambda: bake.bake_png(png, token)):.3f} ms"
    )
    if other_ms is None:
        print("openbadges-bakery could not be installed in a throwaway venv: comparison skipped")
    else:
        print(
            f"openbadges-bakery 2.0.0 (same image, same text, file in, bytes out): {other_ms:.3f} ms median "
            f"vs badgehub read+bake {read_bake_ms:.3f} ms (x{read_bake_ms / other_ms:.2f})"
        )


BAKERY_VENV = Path(tempfile.gettempdir()) / "badgehub-bench-openbadges-bakery"
BAKERY_SCRIPT = """
import statistics, sys, time
from openbadges_bakery import bake
src, token = sys.argv[1], open(sys.argv[2]).read()
def run():
    with open(src, "rb") as f:
        bake(f, token).read()
run()
times = []
for _ in range(50):
    t = time.perf_counter(); run(); times.append(time.perf_counter() - t)
print(statistics.median(times) * 1000)
"""


def bakery_median_ms(src: Path, token: str) -> float | None:
    """Time PyPI openbadges-bakery on the same file, in its own venv (it is not a dependency of ours)."""
    python = BAKERY_VENV / "bin" / "python"
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(BAKERY_VENV)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "openbadges-bakery==2.0.0"], check=True, capture_output=True
            )
        token_file = src.with_suffix(".token")
        token_file.write_text(token)
        out = subprocess.run(
            [str(python), "-c", BAKERY_SCRIPT, str(src), str(token_file)], check=True, capture_output=True, text=True
        )
        return float(out.stdout.strip())
    except (subprocess.CalledProcessError, ValueError, OSError):
        return None


if __name__ == "__main__":
    main()
