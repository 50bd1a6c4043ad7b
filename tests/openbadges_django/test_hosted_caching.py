"""Hosted documents are built once per change and served from the cache: strong ETag,
Last-Modified, 304 to conditional GETs, Cache-Control for CDNs, no query when warm, and a
new document after every change that alters it (revocation, privacy, rotation)."""

import pytest
from django.urls import reverse
from django.utils.http import http_date, parse_http_date

from badges.issuing import assertion_finalise
from badges.models import Assertion
from badges.services import EvidenceInput, assertion_issue, assertion_revoke
from badges.services.wallet import assertion_set_shown_details
from issuers.models import SigningKey
from issuers.services import signing_key_create

JSON = {"HTTP_ACCEPT": "application/ld+json"}
SECRET = "https://example.org/dossier-de-sam"


@pytest.fixture
def assertion(badge_class, owner, beneficiary) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, recipient_name="Sam",
                             issued_by=owner, narrative="Observé en atelier", evidence=[EvidenceInput(url=SECRET)])
    return assertion_finalise(assertion=issued)


def urls(assertion: Assertion) -> dict[str, str]:
    issuer = assertion.badge_class.issuer
    key = issuer.signing_keys.filter(algorithm=SigningKey.Algorithm.ED25519).first()
    number, _index = assertion.status_list
    return {
        "ob2 assertion": reverse("badges:assertion_detail", kwargs={"public_id": assertion.public_id}),
        "ob2 badge class": reverse("badges:class_detail", kwargs={"public_id": assertion.badge_class.public_id}),
        "ob2 issuer": reverse("ob:issuer_v2", kwargs={"public_id": issuer.public_id}),
        "ob3 issuer": reverse("ob:issuer", kwargs={"public_id": issuer.public_id}),
        "did document": reverse("ob:issuer_did", kwargs={"public_id": issuer.public_id}),
        "key": reverse("ob:key", kwargs={"public_id": key.public_id}),
        "revocation list": reverse("ob:revocations", kwargs={"public_id": issuer.public_id}),
        "status list": reverse("ob:status_list", kwargs={"public_id": issuer.public_id, "number": number}),
        "ob3 credential": reverse("ob:credential", kwargs={"public_id": assertion.public_id}),
    }


DOCUMENTS = ["ob2 assertion", "ob2 badge class", "ob2 issuer", "ob3 issuer", "did document", "key",
             "revocation list", "status list", "ob3 credential"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_has_a_strong_etag_and_answers_304_to_conditional_gets(client, assertion, name):
    url = urls(assertion)[name]
    first, second = client.get(url, **JSON), client.get(url, **JSON)
    assert first.status_code == second.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/") and second["ETag"] == etag
    assert first.content == second.content and first["Last-Modified"] == second["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]

    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag, **JSON)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"], **JSON)
    assert since.status_code == 304
    earlier = http_date(parse_http_date(first["Last-Modified"]) - 3600)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier, **JSON).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"', **JSON).status_code == 200


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_warm_document_is_served_in_one_query_or_none(client, assertion, name, django_assert_max_num_queries):
    url = urls(assertion)[name]
    client.get(url, **JSON)
    client.get(url, **JSON)  # the first build only learns what the document depends on
    with django_assert_max_num_queries(1):
        assert client.get(url, **JSON).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=client.get(url, **JSON)["ETag"], **JSON).status_code == 304


def test_credentials_may_be_kept_long_and_what_shows_a_revocation_only_briefly(client, assertion):
    found = urls(assertion)

    def max_age(name: str) -> int:
        control = client.get(found[name], **JSON)["Cache-Control"]
        return int(control.split("max-age=")[1].split(",")[0])

    assert max_age("ob3 credential") >= 3600
    # A hosted OB 2.0 assertion carries its own revocation: a CDN must not keep it valid for long.
    assert max_age("ob2 assertion") <= 60
    assert max_age("status list") <= 60 and max_age("revocation list") <= 60


def _proof_value(client, url: str) -> str:
    return client.get(url, **JSON).json()["proof"][0]["proofValue"]


def test_the_status_list_is_signed_again_only_when_a_bit_changes(client, assertion, owner, badge_class):
    url = urls(assertion)["status list"]
    first = _proof_value(client, url)
    assert _proof_value(client, url) == first
    # Other writes of the issuer (a new badge, an edit) rebuild the list but sign nothing new.
    assertion_finalise(assertion=assertion_issue(badge_class=badge_class, recipient_email="lea@example.org",
                                                 issued_by=owner))
    badge_class.issuer.description = "Nouvelle description"
    badge_class.issuer.save()
    assert _proof_value(client, url) == first

    assertion_revoke(assertion=assertion, reason="Erreur de destinataire", revoked_by=owner)
    after = client.get(url, **JSON).json()
    assert after["proof"][0]["proofValue"] != first
    assert _proof_value(client, url) == after["proof"][0]["proofValue"]


def test_revocation_changes_the_hosted_assertion_and_the_revocation_list(client, assertion, owner):
    found = urls(assertion)
    for _ in range(2):  # cached and current
        before = {name: client.get(found[name], **JSON) for name in ("ob2 assertion", "revocation list")}
    assertion_revoke(assertion=assertion, reason="Erreur de destinataire", revoked_by=owner)

    gone = client.get(found["ob2 assertion"], **JSON)
    assert gone.status_code == 410 and gone.json()["revoked"] is True
    assert client.get(found["ob2 assertion"], HTTP_IF_NONE_MATCH=before["ob2 assertion"]["ETag"],
                      **JSON).status_code == 410
    listed = client.get(found["revocation list"], **JSON)
    assert listed["ETag"] != before["revocation list"]["ETag"]
    assert any(entry["id"].endswith(str(assertion.public_id) + "/") for entry in listed.json()["revokedAssertions"])


def test_hiding_the_evidence_changes_the_hosted_documents_at_once(client, assertion, beneficiary):
    found = urls(assertion)
    for _ in range(2):
        hosted = client.get(found["ob2 assertion"], **JSON)
        credential = client.get(found["ob3 credential"], **JSON)
    assert SECRET in hosted.content.decode() and SECRET in credential.content.decode()

    assertion_set_shown_details(assertion=assertion, user=beneficiary, show_evidence=False, show_narrative=True)
    again = client.get(found["ob2 assertion"], HTTP_IF_NONE_MATCH=hosted["ETag"], **JSON)
    assert again.status_code == 200 and SECRET not in again.content.decode()
    # The credential signed with the evidence is no longer served; the worker signs it again.
    assert client.get(found["ob3 credential"], **JSON).status_code == 404
    assertion_finalise(assertion=Assertion.objects.get(pk=assertion.pk))
    rebuilt = client.get(found["ob3 credential"], HTTP_IF_NONE_MATCH=credential["ETag"], **JSON)
    assert rebuilt.status_code == 200 and SECRET not in rebuilt.content.decode()


def test_a_key_rotation_changes_the_issuer_documents(client, assertion, django_capture_on_commit_callbacks):
    issuer = assertion.badge_class.issuer
    found = urls(assertion)
    for _ in range(2):
        profile = client.get(found["ob2 issuer"], **JSON)
        did = client.get(found["did document"], **JSON)
    with django_capture_on_commit_callbacks(execute=True):
        new_rsa = signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
        new_ed = signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
    rotated = client.get(found["ob2 issuer"], HTTP_IF_NONE_MATCH=profile["ETag"], **JSON)
    assert rotated.status_code == 200 and rotated.json()["publicKey"].endswith(str(new_rsa.public_id))
    listed = client.get(found["did document"], HTTP_IF_NONE_MATCH=did["ETag"], **JSON)
    assert listed.status_code == 200 and str(new_ed.public_id) in listed.content.decode()


def test_the_public_badge_page_is_rendered_from_its_cached_details_until_the_badge_changes(
        client, assertion, beneficiary, owner, django_assert_max_num_queries):
    assertion.visibility = Assertion.Visibility.PUBLIC
    assertion.save()
    url = reverse("badges:assertion_detail", kwargs={"public_id": assertion.public_id})
    assert "Ce badge est valide" in client.get(url).content.decode()
    client.get(url)  # the first rendering only learns what the page depends on
    with django_assert_max_num_queries(1):
        page = client.get(url)
    assert "Ce badge est valide" in page.content.decode() and "Observé en atelier" in page.content.decode()

    assertion_revoke(assertion=assertion, reason="Erreur de destinataire", revoked_by=owner)
    assert "Ce badge a été révoqué" in client.get(url).content.decode()
    assertion_set_shown_details(assertion=Assertion.objects.get(pk=assertion.pk), user=beneficiary,
                                show_evidence=True, show_narrative=False)
    assert "Observé en atelier" not in client.get(url).content.decode()
    # Made private: at once a 404 to anyone but its owner and its issuer.
    hidden = Assertion.objects.get(pk=assertion.pk)
    hidden.visibility = Assertion.Visibility.PRIVATE
    hidden.save()
    assert client.get(url).status_code == 404
    client.force_login(beneficiary)
    assert client.get(url).status_code == 200


def test_a_deleted_account_s_public_badge_page_stops_being_served_at_once(client, assertion, beneficiary):
    from badges.services.accounts import account_delete
    from badges.services.wallet import assertion_claim

    assertion_claim(assertion=assertion, user=beneficiary)
    Assertion.objects.filter(pk=assertion.pk).update(visibility=Assertion.Visibility.PUBLIC)
    url = reverse("badges:assertion_detail", kwargs={"public_id": assertion.public_id})
    for _ in range(3):
        assert client.get(url).status_code == 200
    account_delete(user=beneficiary)  # its badges become private, written with update()
    assert client.get(url).status_code == 404
