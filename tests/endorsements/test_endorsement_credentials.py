"""Published endorsements become OB 3.0 EndorsementCredentials signed by the endorser's
own key, hosted, and embedded in the badges signed while they stay published."""

import copy
import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from badges.issuing import assertion_finalise
from badges.services import assertion_issue
from badges.verification import verify_badge, verify_endorsement_credential
from badges.views.hosted import JSON_TYPES
from endorsements import documents, services
from endorsements.models import Endorsement, EndorserKey
from issuers.keystore import decrypt_private_key
from tests.endorsements.conftest import STATEMENT, endorsements_of
from tests.helpers import verify_on_page

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": JSON_TYPES[0]}





def test_an_organisation_created_from_an_invitation_gets_its_own_key(endorser_user):
    endorser = services.endorser_create(user=endorser_user, name="Mission Locale", email="ml@example.org")
    key = EndorserKey.objects.get(endorser=endorser)
    assert key.retired_at is None and "BEGIN PUBLIC KEY" in key.public_key_pem


def test_the_private_key_of_an_endorser_is_encrypted_at_rest(endorsement):
    key = endorsement.endorser.keys.get()
    stored = bytes(key.private_key_encrypted)
    assert b"PRIVATE KEY" not in stored
    assert decrypt_private_key(stored).startswith(b"-----BEGIN PRIVATE KEY-----")


def test_publishing_signs_an_endorsement_credential_with_the_endorsers_key(endorsement, badge_class):
    credential = endorsement.ob3_credential
    key = endorsement.endorser.keys.get()
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert credential["id"] == documents.endorsement_credential_url(endorsement)
    assert credential["issuer"]["id"] == documents.endorser_did(endorsement.endorser)
    assert credential["issuer"]["name"] == "Région Bourgogne-Franche-Comté"
    assert credential["credentialSubject"] == {
        "id": documents.documents.badge_class_url(badge_class), "type": ["EndorsementSubject"],
        "endorsementComment": STATEMENT}
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"][0]["verificationMethod"] == documents.endorser_key_method_id(key)


def test_the_endorsement_credential_its_profile_and_its_key_are_hosted(client, endorsement):
    key = endorsement.endorser.keys.get()
    hosted = client.get(reverse("endorsements:credential", kwargs={"public_id": endorsement.public_id}), **JSON)
    assert hosted.status_code == 200 and hosted["Content-Type"].startswith("application/ld+json")
    assert hosted.json() == endorsement.ob3_credential
    profile = client.get(reverse("endorsements:endorser_profile",
                                 kwargs={"public_id": endorsement.endorser.public_id}), **JSON).json()
    assert profile["type"] == ["Profile"] and profile["assertionMethod"] == [documents.endorser_key_url(key)]
    multikey = client.get(reverse("endorsements:key", kwargs={"public_id": key.public_id})).json()
    assert multikey["type"] == "Multikey" and multikey["controller"] == profile["id"]
    assert multikey["publicKeyMultibase"].startswith("z6Mk")


def test_a_browser_asking_for_the_endorser_profile_is_sent_to_its_page(client, endorsement):
    response = client.get(reverse("endorsements:endorser_profile",
                                  kwargs={"public_id": endorsement.endorser.public_id}), HTTP_ACCEPT="text/html")
    assert response.status_code == 302 and response.url == endorsement.endorser.get_absolute_url()


def test_the_hosted_endorsement_credential_verifies_and_fails_once_its_comment_is_changed(endorsement):
    check = verify_endorsement_credential(endorsement.ob3_credential)
    assert check.ok, check.detail
    assert check.message == "Recommandé par Région Bourgogne-Franche-Comté — signature vérifiée"
    tampered = copy.deepcopy(endorsement.ob3_credential)
    tampered["credentialSubject"]["endorsementComment"] = "Nous recommandons chaudement ce badge."
    assert not verify_endorsement_credential(tampered).ok


def test_a_badge_signed_after_the_endorsement_carries_it_and_verifies(endorsement, issue):
    assertion = issue()
    assert endorsements_of(assertion.ob3_credential) == [endorsement.ob3_credential]
    report = verify_badge(assertion.ob3_credential, expected_email="sam@example.org")
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    [check] = [c for c in report.checks if c.code == "endorsement"]
    assert check.ok and check.message == "Recommandé par Région Bourgogne-Franche-Comté — signature vérifiée"
    # The baked image carries the same credential, endorsement included.
    assert verify_badge(assertion.baked_svg.read()).status == "valid"


def test_an_endorsement_of_the_issuer_travels_in_the_issuer_profile_of_the_badge(issuer, owner, endorser,
                                                                                 endorser_user, issue):
    invitation = services.endorsement_invite(invited_by=owner, organisation_name="Région",
                                             email="contact@region.example", issuer=issuer)
    endorsement = services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                              statement="Un réseau sérieux.")
    credential = issue().ob3_credential
    assert credential["issuer"]["endorsement"] == [endorsement.ob3_credential]
    assert endorsement.ob3_credential["credentialSubject"]["id"] == credential["issuer"]["id"]
    assert "endorsement" not in credential["credentialSubject"]["achievement"]
    report = verify_badge(credential)
    assert report.status == "valid" and [c.ok for c in report.checks if c.code == "endorsement"] == [True]


def test_the_hosted_issuer_profile_lists_the_endorsements_of_the_issuer_while_published(
        client, issuer, owner, endorser, endorser_user):
    invitation = services.endorsement_invite(invited_by=owner, organisation_name="Région",
                                             email="contact@region.example", issuer=issuer)
    endorsement = services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                              statement="Un réseau sérieux.")
    url = reverse("ob:issuer", kwargs={"public_id": issuer.public_id})
    assert client.get(url, **JSON).json()["endorsement"] == [endorsement.ob3_credential]
    services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)
    assert "endorsement" not in client.get(url, **JSON).json()


def test_a_badge_carrying_an_altered_endorsement_stays_valid_but_reports_it(endorsement, issue):
    altered = copy.deepcopy(endorsement.ob3_credential)
    altered["credentialSubject"]["endorsementComment"] = "Nous recommandons chaudement ce badge."
    Endorsement.objects.filter(pk=endorsement.pk).update(ob3_credential=altered)
    report = verify_badge(issue().ob3_credential)
    assert report.status == "valid"
    [check] = [c for c in report.checks if c.code == "endorsement"]
    assert not check.ok and check.message.endswith("signature non vérifiée")


def test_a_withdrawn_endorsement_answers_410_and_leaves_the_badges_signed_afterwards(
        client, endorsement, endorser_user, issue):
    before = issue()
    services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)
    response = client.get(reverse("endorsements:credential", kwargs={"public_id": endorsement.public_id}), **JSON)
    assert response.status_code == 410 and response.json()["revoked"] is True
    after = issue()
    assert endorsements_of(after.ob3_credential) == []
    assert verify_badge(after.ob3_credential).status == "valid"
    # A badge handed out before keeps the copy it was signed with.
    assert endorsements_of(before.ob3_credential) == [endorsement.ob3_credential]


def test_endorsements_of_another_badge_are_not_embedded(endorsement, issuer, owner):
    from tests.factories import BadgeClassFactory

    other = BadgeClassFactory(issuer=issuer, name="Je sais gérer mes fichiers")
    assertion = assertion_finalise(assertion=assertion_issue(
        badge_class=other, recipient_email="sam@example.org", recipient_name="Sam", issued_by=owner))
    assert endorsements_of(assertion.ob3_credential) == []


def test_no_public_endorsement_document_carries_a_private_key(client, endorsement):
    key = endorsement.endorser.keys.get()
    urls = [reverse("endorsements:credential", kwargs={"public_id": endorsement.public_id}),
            reverse("endorsements:endorser_profile", kwargs={"public_id": endorsement.endorser.public_id}),
            reverse("endorsements:key", kwargs={"public_id": key.public_id})]
    for url in urls:
        body = client.get(url, **JSON).content.decode()
        assert "PRIVATE" not in body and "privateKey" not in body and "secretKey" not in body


def test_an_outsider_can_neither_withdraw_nor_change_the_signed_endorsement(client, outsider, endorsement):
    client.force_login(outsider)
    response = client.post(reverse("endorsements:withdraw", kwargs={"public_id": endorsement.public_id}),
                           {"confirm": "on"})
    assert response.status_code in (403, 404)
    signed = endorsement.ob3_credential
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is None and endorsement.ob3_credential == signed


def test_the_data_migration_gives_existing_endorsers_a_key_and_signs_what_they_published(badge_class):
    from endorsements.models import Endorser

    endorser = Endorser.objects.create(name="Ancienne organisation", email="old@example.org")
    published = Endorsement.objects.create(endorser=endorser, badge_class=badge_class, statement="Déjà publiée.")
    migration = importlib.import_module("endorsements.migrations.0004_endorser_keys_for_existing_endorsers")
    migration.forwards(apps, None)
    published.refresh_from_db()
    assert endorser.keys.count() == 1
    signed = published.ob3_credential
    assert verify_endorsement_credential(signed).ok
    assert signed["credentialSubject"]["endorsementComment"] == "Déjà publiée."
    migration.forwards(apps, None)  # idempotent: no second key, the credential is not signed again
    assert endorser.keys.count() == 1
    published.refresh_from_db()
    assert published.ob3_credential == signed


def test_a_chunk_embeds_the_endorsements_without_a_query_per_badge(endorsement, badge_class, mediator, owner,
                                                                   endorser, endorser_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from badges.issuing import assertions_finalise
    from badges.models import Assertion
    from badges.services.issuing import IssueRow, assertions_issue_bulk

    invitation = services.endorsement_invite(invited_by=owner, organisation_name="Région",
                                             email="contact@region.example", issuer=badge_class.issuer)
    services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser, statement="Sérieux.")

    def finalise(count: int, prefix: str) -> int:
        rows = [IssueRow(recipient_email=f"{prefix}{i}@example.org", recipient_name=f"P{i}",
                         idempotency_key=f"{prefix}:{i}") for i in range(count)]
        issued, _ = assertions_issue_bulk(badge_class=badge_class, rows=rows, issued_by=mediator)
        with CaptureQueriesContext(connection) as queries:
            assert assertions_finalise(assertion_ids=[a.pk for a in issued]) == {}
        return len(queries)

    assert finalise(2, "a") == finalise(12, "b")
    for assertion in Assertion.objects.all():
        assert endorsements_of(assertion.ob3_credential) == [endorsement.ob3_credential]
        assert len(assertion.ob3_credential["issuer"]["endorsement"]) == 1


def test_a_statement_corrected_in_the_admin_is_signed_again(admin_client, endorsement, badge_class):
    created = endorsement.created_at.astimezone()
    response = admin_client.post(f"/admin/endorsements/endorsement/{endorsement.pk}/change/", {
        "endorser": endorsement.endorser_id, "invitation": endorsement.invitation_id,
        "statement": "Nous apprécions ce badge, sans réserve.", "badge_class": badge_class.pk,
        "created_at_0": created.strftime("%Y-%m-%d"), "created_at_1": created.strftime("%H:%M:%S"),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    endorsement.refresh_from_db()
    assert endorsement.ob3_credential["credentialSubject"]["endorsementComment"] == (
        "Nous apprécions ce badge, sans réserve.")
    assert verify_endorsement_credential(endorsement.ob3_credential).ok


def test_the_verifier_page_shows_who_endorses_the_badge(client, endorsement, issue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.svg", issue().baked_svg.read(), content_type="image/svg+xml")
    page = verify_on_page(client, {"file": upload})
    assert "Ce badge est authentique et valide." in page
    assert "Recommandé par Région Bourgogne-Franche-Comté — signature vérifiée" in page


def test_the_verifier_page_warns_of_an_endorsement_it_cannot_check_but_keeps_the_badge_valid(client, endorsement,
                                                                                            issue):
    altered = copy.deepcopy(endorsement.ob3_credential)
    altered["credentialSubject"]["endorsementComment"] = "Autre chose."
    Endorsement.objects.filter(pk=endorsement.pk).update(ob3_credential=altered)
    page = verify_on_page(client, {"text": json.dumps(issue().ob3_credential)})
    assert "Ce badge est authentique et valide." in page
    assert "⚠ Recommandé par Région Bourgogne-Franche-Comté — signature non vérifiée" in page


def test_an_imported_badge_shows_an_endorsement_it_cannot_check_as_a_warning(client, beneficiary, endorsement,
                                                                            issue):
    altered = copy.deepcopy(endorsement.ob3_credential)
    altered["credentialSubject"]["endorsementComment"] = "Autre chose."
    Endorsement.objects.filter(pk=endorsement.pk).update(ob3_credential=altered)
    client.force_login(beneficiary)
    client.post(reverse("wallet:import"), {"text": issue().ob3_jwt})
    imported = beneficiary.imported_badges.get()
    page = client.get(reverse("wallet:imported", kwargs={"public_id": imported.public_id})).content.decode()
    assert "⚠ Recommandé par Région Bourgogne-Franche-Comté — signature non vérifiée" in page
    assert "✗" not in page
