"""A beneficiary on a phone imports a badge baked by another implementation: PyPI's
openbadges-bakery (the reference baker), run in its own virtualenv by tests/interop/setup."""

import json
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from badges.documents import ob2_assertion_document
from badges.issuing import assertion_finalise
from badges.models import ImportedBadge
from badges.services import assertion_issue
from tests.e2e.test_wallet_journey import audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BAKERY_PYTHON = Path(__file__).parent.parent / "interop" / ".venv-ob2" / "bin" / "python"
# Runs inside the bakery's virtualenv: image path in argv, assertion JSON on stdin, baked PNG on stdout.
BAKE = """
import sys
from openbadges_bakery import bake
with open(sys.argv[1], "rb") as image:
    baked = bake(image, sys.stdin.read())
sys.stdout.buffer.write(baked.read())
"""


def bake_with_openbadges_bakery(image: Path, assertion_json: str) -> bytes:
    if not BAKERY_PYTHON.exists():
        pytest.fail(f"{BAKERY_PYTHON} is missing: run tests/interop/setup (scripts/test does it)", pytrace=False)
    done = subprocess.run([str(BAKERY_PYTHON), "-c", BAKE, str(image)], input=assertion_json.encode(),
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.fixture
def baked_by_the_bakery(tmp_path, settings, live_server, badge_class, owner, beneficiary) -> tuple[Path, dict]:
    # Hosted documents carry absolute URLs: the verifier resolves them against SITE_URL.
    settings.SITE_URL = live_server.url
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                             issued_by=owner)
    assertion = assertion_finalise(assertion=issued)
    document = ob2_assertion_document(assertion)
    image = tmp_path / "image.png"
    with badge_class.image.open("rb") as handle:
        image.write_bytes(handle.read())
    baked = tmp_path / "badge-cuisine.png"
    baked.write_bytes(bake_with_openbadges_bakery(image, json.dumps(document)))
    return baked, document


def test_the_bakery_really_baked_the_assertion_into_the_png(baked_by_the_bakery):
    baked, document = baked_by_the_bakery
    data = baked.read_bytes()
    assert data.startswith(b"\x89PNG") and b"openbadges" in data and document["id"].encode() in data


def test_a_beneficiary_imports_a_badge_baked_by_openbadges_bakery_on_a_phone(phone, baked_by_the_bakery,
                                                                             beneficiary):
    baked, document = baked_by_the_bakery
    phone.goto("/compte/connexion/")
    phone.get_by_label("Adresse e-mail ou identifiant").fill("sam@example.org")
    phone.get_by_label("Mot de passe").fill("correct-horse-battery")
    phone.get_by_role("button", name="Se connecter").click()
    phone.wait_for_url("**/passeport/")  # signed in: a beneficiary lands on the wallet

    phone.goto("/passeport/importer/")
    audit(phone)
    phone.get_by_label("Image du badge (PNG ou SVG)").set_input_files(str(baked))
    phone.get_by_role("button", name="Vérifier et ajouter").click()

    expect(phone.get_by_text("Le badge est vérifié et ajouté à votre passeport.")).to_be_visible()
    expect(phone.get_by_text("Délivré sur une autre plateforme")).to_be_visible()
    expect(phone.get_by_text("Ce badge est valide.")).to_be_visible()
    audit(phone)
    imported = ImportedBadge.objects.get(user=beneficiary)
    assert imported.document_id == document["id"]
    assert imported.verified_status == "valid" and imported.version == "ob2" and imported.source == "png"

    phone.goto("/passeport/")
    expect(phone.get_by_role("heading", name="Badges d'autres plateformes")).to_be_visible()
    imported_card = phone.locator(f"a[href='/passeport/importes/{imported.public_id}/']")
    expect(imported_card).to_be_visible()
    expect(imported_card).to_contain_text("Je sais utiliser un ordinateur")
