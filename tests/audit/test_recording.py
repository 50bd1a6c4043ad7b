"""Each action that changes who holds a badge, who acts for an issuer or what its keys
sign leaves one event in the audit log: who, what, on which object, when, for which issuer."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from badges.services import assertion_correct, assertion_issue, batch_create, batch_start
from badges.services import batches as batches_service
from endorsements import services as endorsement_services
from issuers.audit.models import AppendOnlyError, AuditEvent
from issuers.models import Membership
from issuers.services import membership_remove, membership_set
from tests.factories import UserFactory
from tests.helpers import issue_batch_here

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_issuing_records_who_issued_which_badge_to_whom(badge_class, issuer, mediator):
    assertion = assertion_issue(badge_class=badge_class, recipient_email="Sam@example.org", recipient_name="Sam",
                                issued_by=mediator)
    [event] = events(Action.ASSERTION_ISSUED)
    assert (event.actor, event.issuer, event.object_type, event.object_id) == (
        mediator, issuer, "assertion", str(assertion.public_id))
    assert event.actor_name == "Camille (mediator)" or event.actor_name.startswith("Camille ")
    assert event.object_label == "Je sais utiliser un ordinateur → Sam"
    assert event.details["via"] == "mediator" and event.details["recipient_email"] == "sam@example.org"


def test_issuing_twice_with_one_idempotency_key_records_once(badge_class, mediator):
    for _ in range(2):
        assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator,
                        idempotency_key="form:1")
    assert len(events(Action.ASSERTION_ISSUED)) == 1


def test_an_action_that_fails_leaves_no_event(badge_class, outsider):
    with pytest.raises(PermissionDenied):
        assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=outsider)
    assert not AuditEvent.objects.filter(object_type="assertion").exists()


def test_revoking_from_the_staff_page_records_the_reason_and_who(client, badge_class, issuer, owner, mediator):
    assertion = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator)
    client.force_login(owner)
    client.post(reverse("partner:assertion_revoke", kwargs={"issuer_id": issuer.public_id,
                                                             "public_id": assertion.public_id}),
                {"reason": "Erreur de personne"})
    [event] = events(Action.ASSERTION_REVOKED)
    assert event.actor == owner and event.issuer == issuer and event.object_id == str(assertion.public_id)
    assert event.details["reason"] == "Erreur de personne"


def test_a_correction_records_the_replaced_badge_and_what_changed(badge_class, issuer, owner, mediator):
    wrong = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sma",
                            issued_by=mediator)
    corrected = assertion_correct(assertion=wrong, corrected_by=owner, recipient_email="sam@example.org",
                                  recipient_name="Sam", narrative="", issued_on=wrong.issued_on)
    [event] = events(Action.ASSERTION_CORRECTED)
    assert event.actor == owner and event.issuer == issuer and event.object_id == str(wrong.public_id)
    assert event.details["replaced_by"] == str(corrected.public_id)
    assert event.details["changed"] == {"recipient_name": {"before": "Sma", "after": "Sam"}}
    # The revocation of the wrong one and the new issue are in the log too.
    assert [e.object_id for e in events(Action.ASSERTION_REVOKED)] == [str(wrong.public_id)]
    assert str(corrected.public_id) in [e.object_id for e in events(Action.ASSERTION_ISSUED)]


def test_a_csv_batch_records_its_start_and_one_event_per_chunk_with_counts(badge_class, issuer, mediator,
                                                                            monkeypatch):
    monkeypatch.setattr(batches_service, "CHUNK_SIZE", 4)
    data = "nom;e-mail\n" + "".join(f"P{n};p{n}@example.org\n" for n in range(10))
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=data.encode(), source_name="atelier.csv")
    batch_start(batch=batch, started_by=mediator)
    issue_batch_here(batch.pk)
    [started] = events(Action.BATCH_STARTED)
    assert started.count == 10 and started.actor == mediator and started.object_id == str(batch.public_id)
    chunks = events(Action.ASSERTIONS_ISSUED)
    assert [e.count for e in chunks] == [4, 4, 2]
    assert {e.details["batch"] for e in chunks} == {str(batch.public_id)}
    assert all(e.issuer == issuer and e.actor == mediator for e in chunks)
    # One event per chunk, none per badge.
    assert not events(Action.ASSERTION_ISSUED)


def test_adding_changing_and_removing_a_role_are_recorded(issuer, owner):
    camille = UserFactory(username="camille")
    membership_set(issuer=issuer, user=camille, role=Membership.Role.MEDIATOR, by=owner)
    membership_set(issuer=issuer, user=camille, role=Membership.Role.MEDIATOR, by=owner)  # no change
    membership = membership_set(issuer=issuer, user=camille, role=Membership.Role.ADMIN, by=owner)
    membership_remove(membership=membership, by=owner)
    recorded = AuditEvent.objects.filter(object_type="membership", details__user_id=camille.pk).order_by("id")
    assert [(e.action, e.details.get("previous_role"), e.details.get("role")) for e in recorded] == [
        (Action.MEMBERSHIP_ADDED, None, "mediator"),
        (Action.MEMBERSHIP_CHANGED, "mediator", "admin"),
        (Action.MEMBERSHIP_REMOVED, "admin", None),
    ]
    assert all(e.actor == owner and e.issuer == issuer for e in recorded)
    assert not Membership.objects.filter(user=camille).exists()


def test_role_changes_made_in_the_admin_are_recorded_with_the_network_admin(admin_client, admin_user, issuer):
    camille = UserFactory(username="camille")
    admin_client.post("/admin/issuers/membership/add/", {"user": camille.pk, "issuer": issuer.pk, "role": "reviewer"})
    membership = Membership.objects.get(user=camille)
    admin_client.post(f"/admin/issuers/membership/{membership.pk}/change/",
                      {"user": camille.pk, "issuer": issuer.pk, "role": "mediator"})
    admin_client.post(f"/admin/issuers/membership/{membership.pk}/delete/", {"post": "yes"})
    recorded = AuditEvent.objects.filter(object_type="membership", details__user_id=camille.pk).order_by("id")
    assert [e.action for e in recorded] == [Action.MEMBERSHIP_ADDED, Action.MEMBERSHIP_CHANGED,
                                            Action.MEMBERSHIP_REMOVED]
    assert {e.actor for e in recorded} == {admin_user}
    assert not Membership.objects.filter(user=camille).exists()


def test_a_role_given_in_the_issuer_form_inline_is_recorded(admin_client, admin_user, issuer, owner):
    camille = UserFactory(username="camille")
    owner_membership = Membership.objects.get(user=owner)
    form = {"name": issuer.name, "email": issuer.email, "url": issuer.url, "description": "", "territory": "",
            "co_creators": "",
            "memberships-TOTAL_FORMS": 2, "memberships-INITIAL_FORMS": 1,
            "memberships-0-id": owner_membership.pk, "memberships-0-issuer": issuer.pk,
            "memberships-0-user": owner.pk, "memberships-0-role": "admin",
            "memberships-1-issuer": issuer.pk, "memberships-1-user": camille.pk, "memberships-1-role": "mediator",
            "signing_keys-TOTAL_FORMS": 0, "signing_keys-INITIAL_FORMS": 0}
    response = admin_client.post(f"/admin/issuers/issuer/{issuer.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = {(e.action, e.details["user_id"]) for e in AuditEvent.objects.filter(object_type="membership",
                                                                                   actor=admin_user)}
    assert changed == {(Action.MEMBERSHIP_CHANGED, owner.pk), (Action.MEMBERSHIP_ADDED, camille.pk)}


def test_rotating_and_compromising_an_issuer_key_in_the_admin_are_recorded(admin_client, admin_user, issuer):
    key = issuer.signing_keys.get(algorithm="Ed25519", retired_at__isnull=True)
    admin_client.post("/admin/issuers/signingkey/", {"action": "rotate", "_selected_action": [key.pk]})
    [rotated] = events(Action.SIGNING_KEY_ROTATED)
    new_key = issuer.signing_keys.get(algorithm="Ed25519", retired_at__isnull=True)
    assert rotated.actor == admin_user and rotated.issuer == issuer and rotated.object_id == str(key.public_id)
    assert rotated.details["new_key"] == str(new_key.public_id)
    admin_client.post("/admin/issuers/signingkey/", {"action": "mark_compromised", "_selected_action": [new_key.pk]})
    [compromised] = events(Action.SIGNING_KEY_COMPROMISED)
    assert compromised.actor == admin_user and compromised.object_id == str(new_key.public_id)
    assert compromised.details["reason"] == "Déclarée compromise depuis l'administration"


def test_publishing_and_withdrawing_an_endorsement_are_recorded_for_the_endorsed_issuer(
        badge_class, issuer, owner, endorser_user):
    invitation = endorsement_services.endorsement_invite(invited_by=owner, organisation_name="Région",
                                                         email="contact@region.example", badge_class=badge_class)
    endorser = endorsement_services.endorser_create(user=endorser_user, name="Région", email="contact@region.example")
    endorsement = endorsement_services.endorsement_accept(invitation=invitation, user=endorser_user,
                                                          endorser=endorser, statement="Nous apprécions ce badge.")
    endorsement_services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)
    endorsement_services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)  # already withdrawn
    recorded = AuditEvent.objects.filter(object_type="endorsement").order_by("id")
    assert [e.action for e in recorded] == [Action.ENDORSEMENT_PUBLISHED, Action.ENDORSEMENT_WITHDRAWN]
    assert all(e.actor == endorser_user and e.issuer == issuer and e.object_id == str(endorsement.public_id)
               for e in recorded)


def test_an_endorser_key_rotation_and_compromise_are_recorded_for_each_issuer_it_signs_for(
        admin_client, admin_user, badge_class, issuer, other_issuer, owner, endorser_user):
    endorser = endorsement_services.endorser_create(user=endorser_user, name="Région", email="contact@region.example")
    from endorsements.models import Endorsement

    for target in ({"badge_class": badge_class}, {"issuer": other_issuer}):
        endorsement = Endorsement.objects.create(endorser=endorser, statement="Nous apprécions.", **target)
        endorsement_services.endorsement_sign(endorsement=endorsement)
    key = endorser.keys.get(retired_at__isnull=True)
    admin_client.post("/admin/endorsements/endorserkey/", {"action": "rotate", "_selected_action": [key.pk]})
    rotated = events(Action.ENDORSER_KEY_ROTATED)
    assert {e.issuer for e in rotated} == {issuer, other_issuer}
    assert {e.actor for e in rotated} == {admin_user} and {e.object_id for e in rotated} == {str(key.public_id)}
    new_key = endorser.keys.get(retired_at__isnull=True)
    admin_client.post("/admin/endorsements/endorserkey/", {"action": "mark_compromised",
                                                           "_selected_action": [new_key.pk]})
    compromised = events(Action.ENDORSER_KEY_COMPROMISED)
    assert {e.issuer for e in compromised} == {issuer, other_issuer}
    assert {e.object_id for e in compromised} == {str(new_key.public_id)}


def test_the_log_is_append_only_for_the_application_and_for_the_database(badge_class, mediator):
    assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator)
    event = AuditEvent.objects.get(action=Action.ASSERTION_ISSUED)
    event.object_label = "autre chose"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(object_label="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    for statement in ("UPDATE audit_auditevent SET object_label = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(action=Action.ASSERTION_ISSUED).object_label.endswith("→ sam@example.org")


def test_deleting_an_account_keeps_the_events_it_took_part_in(badge_class, issuer, owner):
    camille = UserFactory(username="camille", first_name="Camille", last_name="Roy")
    membership_set(issuer=issuer, user=camille, role=Membership.Role.MEDIATOR, by=owner)
    assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=camille)
    before, camille_id = AuditEvent.objects.count(), camille.pk
    camille.delete()
    assert AuditEvent.objects.filter(actor_name="Camille Roy (camille)").count() == 1
    assert AuditEvent.objects.filter(object_type="membership", details__user_id=camille_id).count() == 1
    assert AuditEvent.objects.count() == before
