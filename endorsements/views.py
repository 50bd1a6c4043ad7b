import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from badges import document_cache
from badges.document_cache import IMMUTABLE, LIST, PROFILE, Document, endorser_scope
from badges.forms import ClaimSignupForm, ConfirmForm
from badges.models import Assertion, BadgeClass, EmailAddress
from badges.services import accounts as account_services
from badges.views import hosted
from badges.views.accounts import BACKEND, add_errors
from endorsements import documents, selectors, services
from endorsements.forms import NEW, EndorseForm, InvitationForm
from endorsements.models import Endorsement, EndorsementInvitation, Endorser, EndorserKey
from issuers.models import Issuer, Membership
from issuers.selectors import get_issuer_for_user

# --- Hosted documents, by id (views and the verifier; see badges/document_cache.py) ---


@document_cache.register("endorsements:endorser_document")
def endorser_ob2(public_id):
    def build():
        endorser = get_object_or_404(Endorser, public_id=public_id)
        return Document(documents.endorser_document(endorser), (endorser_scope(endorser.pk),), PROFILE)

    return document_cache.document(f"endorser-ob2:{public_id}", build)


@document_cache.register("endorsements:document")
def endorsement_ob2(public_id):
    def build():
        endorsement = get_object_or_404(
            Endorsement.objects.select_related("endorser", "badge_class", "issuer", "assertion"), public_id=public_id)
        document = documents.endorsement_document(endorsement)
        scopes = (endorser_scope(endorsement.endorser_id),)
        if endorsement.withdrawn_at is not None:
            return Document({**document, "revoked": True}, scopes, LIST, status=410)
        return Document(document, scopes, PROFILE)

    return document_cache.document(f"endorsement-ob2:{public_id}", build)


@document_cache.register("endorsements:endorser_profile")
def endorser_ob3(public_id):
    def build():
        endorser = get_object_or_404(Endorser, public_id=public_id)
        return Document(documents.ob3_endorser_document(endorser), (endorser_scope(endorser.pk),), PROFILE)

    return document_cache.document(f"endorser-ob3:{public_id}", build)


@document_cache.register("endorsements:endorser_did")
def endorser_did(public_id):
    def build():
        endorser = get_object_or_404(Endorser.objects.prefetch_related("keys"), public_id=public_id)
        return Document(documents.endorser_did_document(endorser), (endorser_scope(endorser.pk),),
                        hosted.DID_CACHE_CONTROL, content_type=hosted.DID_CONTENT_TYPE)

    return document_cache.document(f"endorser-did:{public_id}", build)


@document_cache.register("endorsements:key")
def endorser_key_ob3(public_id):
    def build():
        key = get_object_or_404(EndorserKey.objects.select_related("endorser"), public_id=public_id)
        return Document(documents.endorser_key_document(key), (endorser_scope(key.endorser_id),), PROFILE)

    return document_cache.document(f"endorser-key:{public_id}", build)


@document_cache.register("endorsements:credential")
def endorsement_ob3(public_id):
    def build():
        endorsement = get_object_or_404(Endorsement.objects.select_related("endorser"), public_id=public_id)
        scopes = (endorser_scope(endorsement.endorser_id),)
        if endorsement.withdrawn_at is not None:
            return Document({"id": documents.endorsement_credential_url(endorsement), "revoked": True,
                             "error": "Cette recommandation a été retirée par son auteur."}, scopes, LIST, status=410)
        if endorsement.ob3_credential is None:
            return hosted.json_ld({"error": "Cette recommandation n'a pas encore été signée."}, status=404)
        return Document(endorsement.ob3_credential, scopes, IMMUTABLE)

    return document_cache.document(f"endorsement-ob3:{public_id}", build)


@require_GET
def endorser_detail(request: HttpRequest, public_id) -> HttpResponse:
    if hosted.wants_json(request):
        return document_cache.respond(request, endorser_ob2(public_id))
    endorser = get_object_or_404(Endorser, public_id=public_id)
    endorsements = endorser.endorsements.published().select_related("badge_class", "issuer", "assertion")
    is_member = request.user.is_authenticated and endorser.members.filter(pk=request.user.pk).exists()
    return render(request, "endorsements/endorser_detail.html",
                  {"endorser": endorser, "endorsements": endorsements, "is_member": is_member})


@require_GET
def endorser_document(request: HttpRequest, public_id) -> HttpResponse:
    return document_cache.respond(request, endorser_ob2(public_id))


@require_GET
def endorsement_document(request: HttpRequest, public_id) -> HttpResponse:
    return document_cache.respond(request, endorsement_ob2(public_id))


@require_GET
def endorser_profile(request: HttpRequest, public_id) -> HttpResponse:
    """The endorser's OB 3.0 Profile: the issuer of its EndorsementCredentials, listing its keys."""
    if not hosted.wants_json(request, default_json=True):
        return redirect(get_object_or_404(Endorser, public_id=public_id))
    return document_cache.respond(request, endorser_ob3(public_id))


@require_GET
def endorser_did_document(request: HttpRequest, public_id) -> HttpResponse:
    return document_cache.respond(request, endorser_did(public_id))


@require_GET
def endorser_key(request: HttpRequest, public_id) -> HttpResponse:
    return document_cache.respond(request, endorser_key_ob3(public_id))


@require_GET
def endorsement_credential(request: HttpRequest, public_id) -> HttpResponse:
    """The signed OB 3.0 EndorsementCredential; 410 once withdrawn."""
    if not hosted.wants_json(request, default_json=True):
        endorsement = get_object_or_404(Endorsement.objects.select_related("endorser"), public_id=public_id)
        return redirect(endorsement.endorser)
    return document_cache.respond(request, endorsement_ob3(public_id))


# --- Issuer staff: invite and follow ------------------------------------------

def _staff_issuer(request: HttpRequest, issuer_id: uuid.UUID) -> Issuer:
    return get_issuer_for_user(user=request.user, public_id=issuer_id, roles=Membership.STAFF_ROLES)


def _targets(issuer: Issuer, assertion: Assertion | None) -> tuple[list[tuple[str, str]], dict]:
    """Form choices and what each one designates, limited to this issuer's own things."""
    choices = [("issuer", _("La structure elle-même : %(name)s") % {"name": issuer.name})]
    kwargs: dict[str, dict] = {"issuer": {"issuer": issuer}}
    if assertion is not None:
        key = f"assertion:{assertion.public_id}"
        choices.insert(0, (key, _("Le badge « %(badge)s » délivré à %(who)s") % {
            "badge": assertion.badge_class.name, "who": assertion.recipient_name or assertion.recipient_email}))
        kwargs[key] = {"assertion": assertion}
    for badge_class in BadgeClass.objects.filter(issuer=issuer).order_by("name"):
        key = f"badge:{badge_class.public_id}"
        choices.append((key, _("Le badge « %(badge)s »") % {"badge": badge_class.name}))
        kwargs[key] = {"badge_class": badge_class}
    return choices, kwargs


@login_required
@require_http_methods(["GET", "POST"])
def invitation_new(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    assertion = None
    if assertion_id := request.GET.get("assertion"):
        try:
            assertion = Assertion.objects.select_related("badge_class").filter(
                badge_class__issuer=issuer, public_id=uuid.UUID(assertion_id)).first()
        except ValueError:
            assertion = None
    choices, targets = _targets(issuer, assertion)
    form = InvitationForm(request.POST if request.method == "POST" else None, targets=choices,
                          initial={"target": request.GET.get("cible", choices[0][0])})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.endorsement_invite(invited_by=request.user, organisation_name=data["organisation_name"],
                                        email=data["email"], message=data["message"], **targets[data["target"]])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": data["email"]})
            return redirect("endorsements:invitations", issuer_id=issuer.public_id)
    return render(request, "endorsements/invitation_new.html", {"issuer": issuer, "form": form})


@login_required
@require_GET
def invitations(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    return render(request, "endorsements/invitations.html", {
        "issuer": issuer,
        "invitations": selectors.issuer_invitations(issuer=issuer),
        "endorsements": selectors.issuer_endorsements(issuer=issuer),
    })


# --- The invited organisation: accept, publish, withdraw ----------------------

@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        EndorsementInvitation.objects.select_related("badge_class__issuer", "issuer", "assertion__badge_class__issuer"),
        token=token,
    )
    user = request.user
    if invitation.accepted_at is not None:
        endorsement = Endorsement.objects.filter(invitation=invitation, endorser__members__pk=user.pk).first()
        if endorsement is not None:
            return redirect(endorsement.endorser)
        return render(request, "endorsements/invitation_closed.html", {
            "invitation": invitation, "reason": _("Cette invitation a déjà été utilisée.")}, status=410)
    if invitation.is_expired:
        return render(request, "endorsements/invitation_closed.html", {
            "invitation": invitation,
            "reason": _("Cette invitation a expiré. Demandez à l'émetteur de vous en envoyer une nouvelle."),
        }, status=410)

    action = request.POST.get("action") if request.method == "POST" else None
    signup_form = ClaimSignupForm(request.POST if action == "signup" else None)
    endorsers = list(selectors.endorsers_for_invitation(user=user, invitation=invitation))
    endorse_form = EndorseForm(request.POST if action == "publish" else None, endorsers=endorsers,
                               initial={"name": invitation.organisation_name})
    if action == "signup" and not user.is_authenticated and signup_form.is_valid():
        try:
            # The link reached this mailbox: the address is proven, as with a claim link.
            user = account_services.account_create(
                name=signup_form.cleaned_data["name"], email=invitation.email,
                password=signup_form.cleaned_data["password"], email_verified=True,
            )
        except ValidationError as exc:
            add_errors(signup_form, exc)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Votre compte est créé. Écrivez maintenant votre recommandation."))
            return redirect(request.path)
    elif action == "publish" and user.is_authenticated and endorse_form.is_valid():
        data = endorse_form.cleaned_data
        try:
            with transaction.atomic():
                if data["endorser"] == NEW:
                    endorser = services.endorser_create(user=user, name=data["name"], email=invitation.email,
                                                        url=data["url"], description=data["description"])
                else:
                    endorser = next(e for e in endorsers if str(e.pk) == data["endorser"])
                services.endorsement_accept(invitation=invitation, user=user, endorser=endorser,
                                            statement=data["statement"])
        except ValidationError as exc:
            add_errors(endorse_form, exc)
        else:
            messages.success(request, _("Votre recommandation est publiée. Merci !"))
            return redirect(endorser)

    return render(request, "endorsements/invitation.html", {
        "invitation": invitation,
        "target_issuer": services.target_issuer(badge_class=invitation.badge_class, issuer=invitation.issuer,
                                                assertion=invitation.assertion),
        "signup_form": signup_form,
        "endorse_form": endorse_form,
        "account_exists": EmailAddress.objects.filter(email=invitation.email).exists(),
        "invitation_path": request.path,
    })


@login_required
@require_http_methods(["GET", "POST"])
def endorsement_withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    endorsement = selectors.get_endorsement_for_member(user=request.user, public_id=public_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.endorsement_withdraw(endorsement=endorsement, user=request.user)
        messages.success(request, _("Votre recommandation est retirée."))
        return redirect(endorsement.endorser)
    return render(request, "endorsements/withdraw.html", {"endorsement": endorsement, "form": form})
