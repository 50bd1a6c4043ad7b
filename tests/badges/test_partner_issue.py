import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from badges.models import Assertion, Evidence, OutgoingEmail
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db


def photo(name="photo.heic") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#0b5cad").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def issue_url(badge_class) -> str:
    return reverse("partner:issue", kwargs={"public_id": badge_class.public_id})


def preview_url(badge_class) -> str:
    return reverse("partner:issue_preview", kwargs={"public_id": badge_class.public_id})


def fill(client, badge_class, **overrides):
    data = {"recipients": "Sam Martin <sam@example.org>", "narrative": "A envoyé un mail seul.",
            "evidence_url": "", "issued_on": timezone.localdate().isoformat(), **overrides}
    return client.post(issue_url(badge_class), data)


def test_the_mediator_sees_only_the_badges_they_may_issue(client, mediator, badge_class, other_issuer):
    BadgeClassFactory(issuer=other_issuer, name="Badge d'un autre réseau")
    BadgeClassFactory(issuer=badge_class.issuer, name="Badge sur habilitation", required_badge=badge_class)
    client.force_login(mediator)
    page = client.get(reverse("partner:home")).content.decode()
    assert "Je sais utiliser un ordinateur" in page
    assert "Badge d'un autre réseau" not in page
    assert "Badge sur habilitation" not in page


def test_a_mediator_holding_the_habilitation_badge_sees_the_badges_it_opens(client, mediator, badge_class):
    gated = BadgeClassFactory(issuer=badge_class.issuer, name="Badge sur habilitation", required_badge=badge_class)
    Assertion.objects.create(badge_class=badge_class, recipient_email=mediator.email)
    client.force_login(mediator)
    assert "Badge sur habilitation" in client.get(reverse("partner:home")).content.decode()
    assert client.get(issue_url(gated)).status_code == 200


def test_it_issues_one_badge_in_three_screens(client, mediator, badge_class, django_capture_on_commit_callbacks):
    client.force_login(mediator)
    assert client.get(issue_url(badge_class)).status_code == 200
    response = fill(client, badge_class, evidence_file=photo())
    assert response.status_code == 302 and response.url == preview_url(badge_class)
    preview = client.get(preview_url(badge_class)).content.decode()
    assert "Sam Martin" in preview and "A envoyé un mail seul." in preview and "photo.heic" in preview
    assert not Assertion.objects.exists(), "nothing is issued before the confirmation"
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(preview_url(badge_class), follow=True)
    assertion = Assertion.objects.get()
    assert assertion.recipient_email == "sam@example.org" and assertion.issued_by == mediator
    assert assertion.narrative == "A envoyé un mail seul."
    evidence = Evidence.objects.get(assertion=assertion)
    assert evidence.file.name.endswith(".jpg"), "the type comes from the content, not the name"
    assert OutgoingEmail.objects.filter(assertion=assertion, template="award").exists()
    assert callbacks, "signing, baking and the e-mail are queued on commit"
    assert "délivré à Sam Martin" in response.content.decode()


def test_it_issues_to_several_people_at_once(client, mediator, badge_class):
    client.force_login(mediator)
    fill(client, badge_class, recipients="Sam Martin <sam@example.org>\nAli, ali@example.org\nzoe@example.org",
         evidence_url="https://example.org/atelier")
    client.post(preview_url(badge_class))
    assert sorted(Assertion.objects.values_list("recipient_email", flat=True)) == [
        "ali@example.org", "sam@example.org", "zoe@example.org"]
    assert Evidence.objects.filter(url="https://example.org/atelier").count() == 3


def test_a_past_date_is_the_issue_date(client, mediator, badge_class):
    client.force_login(mediator)
    day = timezone.localdate() - timedelta(days=3)
    fill(client, badge_class, issued_on=day.isoformat())
    client.post(preview_url(badge_class))
    assert timezone.localtime(Assertion.objects.get().issued_on).date() == day


def test_errors_keep_what_was_typed(client, mediator, badge_class):
    client.force_login(mediator)
    response = fill(client, badge_class, recipients="Sam Martin <sam@example>", narrative="Très autonome")
    page = response.content.decode()
    assert response.status_code == 200
    assert "adresse e-mail invalide" in page
    assert "Sam Martin &lt;sam@example&gt;" in page and "Très autonome" in page


def test_a_refused_upload_keeps_the_rest_of_the_draft(client, mediator, badge_class):
    client.force_login(mediator)
    script = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /\n")
    response = fill(client, badge_class, narrative="Très autonome", evidence_file=script)
    page = response.content.decode()
    assert "Type de fichier non accepté" in page
    assert "Très autonome" in page and "sam@example.org" in page
    assert not Assertion.objects.exists()


def test_a_future_date_is_refused(client, mediator, badge_class):
    client.force_login(mediator)
    response = fill(client, badge_class, issued_on=(timezone.localdate() + timedelta(days=2)).isoformat())
    assert "La date ne peut pas être dans le futur." in response.content.decode()


def test_a_badge_requiring_evidence_is_not_issued_without_any(client, mediator, badge_class):
    badge_class.evidence_required = True
    badge_class.save()
    client.force_login(mediator)
    response = fill(client, badge_class, narrative="")
    assert "Ce badge demande une preuve" in response.content.decode()


def test_going_back_from_the_preview_shows_the_draft(client, mediator, badge_class):
    client.force_login(mediator)
    fill(client, badge_class, narrative="Très autonome", evidence_file=photo("atelier.jpg"))
    page = client.get(issue_url(badge_class)).content.decode()
    assert "Très autonome" in page and "Fichier déjà joint : atelier.jpg" in page


def test_it_refuses_a_mediator_of_another_issuer(client, outsider, badge_class):
    client.force_login(outsider)
    assert client.get(issue_url(badge_class)).status_code == 404
    assert fill(client, badge_class).status_code == 404
    assert client.post(preview_url(badge_class)).status_code == 404
    assert not Assertion.objects.exists()


def test_a_reviewer_cannot_issue(client, reviewer, badge_class):
    client.force_login(reviewer)
    assert client.get(issue_url(badge_class)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, badge_class):
    response = client.get(issue_url(badge_class))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_the_date_field_is_filled_with_today_in_a_format_phones_understand(client, mediator, badge_class):
    client.force_login(mediator)
    page = client.get(issue_url(badge_class)).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_a_mediator_cannot_award_a_badge_reserved_to_the_issuers_administrators(client, issuer, mediator, owner):
    from django.core.exceptions import PermissionDenied

    from badges.services import assertion_issue
    from tests.factories import BadgeClassFactory

    acteur = BadgeClassFactory(issuer=issuer, name="Acteur de la médiation numérique", issued_by_staff_only=True)
    client.force_login(mediator)
    assert "Acteur de la médiation numérique" not in client.get("/partenaire/").content.decode()
    assert client.get(f"/partenaire/delivrer/{acteur.public_id}/").status_code == 404
    with pytest.raises(PermissionDenied):
        assertion_issue(badge_class=acteur, recipient_email="other@example.org", issued_by=mediator)
    client.force_login(owner)
    assert "Acteur de la médiation numérique" in client.get("/partenaire/").content.decode()
