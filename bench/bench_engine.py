"""Print timings of the Open Badges engine: signing, verifying, PNG baking.

Run: .venv/bin/python bench/bench_engine.py
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from badges.openbadges import bake, keys, ob3, proofs  # noqa: E402
from bench._timing import compare, median_ms, warm_and_cold_ms  # noqa: E402
from tests.openbadges.factories import ISSUER_ID, KEY_URL, assertion, status_entry  # noqa: E402


def main() -> None:
    pair = keys.generate_ed25519()
    credential = ob3.build_credential(assertion(), status=status_entry())
    signed = proofs.add_data_integrity_proof(credential, pair.private_pem, KEY_URL, "2025-01-01T00:00:00Z")
    resolver = lambda vm: (pair.public_multibase, ISSUER_ID)  # noqa: E731
    private = keys.ed25519_private(pair.private_pem)

    created = "2025-01-01T00:00:00Z"
    runs = 50
    # Warm: the same document and the same `created` every call, so the cached canonical proof
    # configuration always hits (as for the badges of one chunk, signed in the same second).
    # Cold: a different document and `created` every call, the proof-configuration cache emptied
    # before each (a badge signed alone; a verifier that never saw the document).
    documents = [ob3.build_credential(assertion(id=f"https://badgehub.example/assertions/cold{i}",
                                                recipient_email=f"cold{i}@example.org"), status=status_entry())
                 for i in range(runs)]
    moments = [f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}Z" for i in range(1, runs + 1)]
    signed_each = [proofs.add_data_integrity_proof(documents[i], private, KEY_URL, moments[i]) for i in range(runs)]
    caches = [proofs._canonize_config]
    sign = warm_and_cold_ms(lambda: proofs.add_data_integrity_proof(credential, private, KEY_URL, created),
                            lambda i: proofs.add_data_integrity_proof(documents[i], private, KEY_URL, moments[i]),
                            list(range(runs)), clear=caches)
    check = warm_and_cold_ms(lambda: proofs.verify_data_integrity_proof(signed, resolver),
                             lambda doc: proofs.verify_data_integrity_proof(doc, resolver), signed_each, clear=caches)
    jwt = warm_and_cold_ms(lambda: proofs.sign_vc_jwt(credential, private, KEY_URL),
                           lambda doc: proofs.sign_vc_jwt(doc, private, KEY_URL), documents)
    print(f"median of {runs} calls each; warm = same document and created, cold = distinct ones, caches emptied")
    for label, (warm_ms, cold_ms) in (("DI sign (eddsa-rdfc-2022, OB 3.0)", sign), ("DI verify", check),
                                      ("VC-JWT sign (EdDSA)", jwt)):
        print(f"{label:34} warm {warm_ms:8.3f} ms   cold {cold_ms:8.3f} ms   {compare(warm_ms, cold_ms)}")
    print("(both keep the JSON-LD contexts a process loads and processes once, as a worker does)")

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
