"""A badge at the mediator's desk, without e-mail: the mediator's screen (QR code and
short code) and the person's own phone (type the code or scan, then keep the badge)."""

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badges import selectors, throttle
from badges.documents import absolute
from badges.forms import DeskAccountForm, DeskCodeForm, DeskDownloadForm, DeskIssueForm
from badges.models import DeskAward
from badges.services import accounts as account_services
from badges.services import desk as desk_services
from badges.sharing import qr_svg
from badges.views.accounts import BACKEND, add_errors
from badges.views.wallet import download_content, file_stem
from issuers.models import Membership

CODES_KEY = "desk_codes"  # the mediator's session: award → its short code, to show it again
KEPT_KEY = "desk_kept"  # the person's session: awards they kept without an account


# --- The mediator ----------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def desk_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    badge_class = selectors.get_issuable_badge_class(user=request.user, public_id=public_id)
    form = DeskIssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        from badges.services.batches import issued_on_from_date

        try:
            award, code = desk_services.desk_award_create(
                badge_class=badge_class, recipient_name=form.cleaned_data["recipient_name"],
                narrative=form.cleaned_data["narrative"], issued_by=request.user,
                issued_on=issued_on_from_date(form.cleaned_data["issued_on"]))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            request.session[CODES_KEY] = {**request.session.get(CODES_KEY, {}), str(award.public_id): code}
            return redirect("partner:desk_award", public_id=award.public_id)
    return render(request, "badges/partner/desk_new.html", {"badge_class": badge_class, "form": form})


def _award_for_staff(request: HttpRequest, public_id: uuid.UUID) -> DeskAward:
    """The mediator who issued it, or the issuing staff of its issuer; 404 for anyone else."""
    issuers = Membership.objects.filter(user=request.user, role__in=Membership.ISSUING_ROLES).values("issuer_id")
    award = (DeskAward.objects.select_related("badge_class__issuer", "assertion")
             .filter(public_id=public_id)
             .filter(Q(issued_by=request.user) | Q(badge_class__issuer_id__in=issuers)).first())
    if award is None:
        raise Http404
    return award


@login_required
@require_GET
def desk_award(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    award = _award_for_staff(request, public_id)
    code = request.session.get(CODES_KEY, {}).get(str(award.public_id))
    state = "claimed" if award.claimed_at else "open" if award.is_open else "expired"
    if request.GET.get("etat"):
        return JsonResponse({"state": state}, headers={"Cache-Control": "no-store"})
    claim_url = absolute(reverse("badges:desk_claim", kwargs={"token": award.token}))
    return render(request, "badges/partner/desk_award.html", {
        "award": award, "badge_class": award.badge_class,
        "code": desk_services.desk_code_display(code) if code and award.is_open else "",
        "qr_svg": qr_svg(claim_url) if award.is_open else "", "claim_url": claim_url,
        "code_url": absolute(reverse("badges:desk_code")),
        "state": state,  # the screen asks for it and updates itself once the person has the badge
    })


@login_required
@require_POST
def desk_renew(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    award = _award_for_staff(request, public_id)
    try:
        code = desk_services.desk_award_renew(award=award)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        request.session[CODES_KEY] = {**request.session.get(CODES_KEY, {}), str(award.public_id): code}
    return redirect("partner:desk_award", public_id=award.public_id)


# --- The person, on their phone ----------------------------------------------------

@require_http_methods(["GET", "POST"])
def desk_code(request: HttpRequest) -> HttpResponse:
    form = DeskCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Every try counts, right or wrong, before the code is looked up.
        throttle.check(throttle.DESK_CODE_PER_CLIENT, throttle.client_ip(request))
        award = desk_services.desk_award_for_code(code=form.cleaned_data["code"])
        if award is not None:
            return redirect("badges:desk_claim", token=award.token)
        form.add_error("code", _("Ce code n'est pas valide ou a expiré. Vérifiez-le, ou demandez-en un nouveau."))
    return render(request, "badges/desk/code.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def desk_claim(request: HttpRequest, token: str) -> HttpResponse:
    throttle.check(throttle.CLAIM_PER_CLIENT, throttle.client_ip(request))
    award = DeskAward.objects.select_related("badge_class__issuer", "assertion").filter(token=token).first()
    if award is None:
        raise Http404
    if award.claimed_at is not None:
        if str(award.public_id) in request.session.get(KEPT_KEY, []) and award.assertion:
            return _kept(request, award)
        if award.assertion and selectors.user_owns_assertion(user=request.user, assertion=award.assertion):
            return redirect("wallet:badge", public_id=award.assertion.public_id)
        return render(request, "badges/desk/closed.html", {"award": award, "used": True}, status=410)
    if not award.is_open:
        return render(request, "badges/desk/closed.html", {"award": award, "used": False}, status=410)

    action = request.POST.get("action") if request.method == "POST" else None
    account_form = DeskAccountForm(request.POST if action == "account" else None,
                                   initial={"name": award.recipient_name})
    download_form = DeskDownloadForm(request.POST if action == "download" else None, prefix="download")
    error = None
    try:
        if action == "wallet" and request.user.is_authenticated:
            assertion = desk_services.desk_award_claim(award=award, user=request.user)
            messages.success(request, _("Le badge est dans votre passeport. Il sera prêt dans un instant."))
            return redirect("wallet:badge", public_id=assertion.public_id)
        if action == "account" and not request.user.is_authenticated and account_form.is_valid():
            data = account_form.cleaned_data
            try:
                with transaction.atomic():
                    user = account_services.account_create_on_the_spot(name=data["name"], email=data["email"],
                                                                       password=data["password"])
                    # The address typed now (if any) is the badge's: a link verifies it for the account.
                    assertion = desk_services.desk_award_claim(award=award, user=user, email=data["email"])
            except ValidationError as exc:
                add_errors(account_form, exc)
            else:
                login(request, user, backend=BACKEND)
                if user.email:
                    messages.success(request, _("Votre passeport est créé et le badge y est rangé."))
                else:
                    messages.success(request, _(
                        "Votre passeport est créé et le badge y est rangé. Pour vous reconnecter, notez votre "
                        "identifiant : %(username)s (et votre mot de passe). Vous pourrez ajouter une adresse "
                        "e-mail plus tard.") % {"username": user.get_username()})
                return redirect("wallet:badge", public_id=assertion.public_id)
        if action == "download" and download_form.is_valid():
            desk_services.desk_award_claim(award=award, email=download_form.cleaned_data["email"])
            request.session[KEPT_KEY] = [str(award.public_id), *request.session.get(KEPT_KEY, [])][:20]
            return redirect("badges:desk_claim", token=award.token)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except PermissionDenied:
        error = _("Le médiateur n'est plus habilité à délivrer ce badge : adressez-vous à lui.")
    return render(request, "badges/desk/claim.html", {
        "award": award, "badge_class": award.badge_class, "account_form": account_form,
        "download_form": download_form, "error": error,
    }, status=400 if error or account_form.errors or download_form.errors else 200)


def _kept(request: HttpRequest, award: DeskAward) -> HttpResponse:
    assertion = award.assertion
    assertion.refresh_from_db()
    ready = assertion.baked_at is not None
    if request.GET.get("etat"):
        return JsonResponse({"state": "ready" if ready else "pending"}, headers={"Cache-Control": "no-store"})
    return render(request, "badges/desk/kept.html", {
        "award": award, "assertion": assertion, "badge_class": award.badge_class, "ready": ready,
    })


@require_GET
def desk_download(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """The files of a badge kept without an account: only in the browser that kept it."""
    award = DeskAward.objects.select_related("assertion__badge_class").filter(token=token).first()
    if award is None or award.assertion is None or str(award.public_id) not in request.session.get(KEPT_KEY, []):
        raise Http404
    content, content_type = download_content(award.assertion, fmt)
    if content is None:
        return redirect("badges:desk_claim", token=award.token)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(award.assertion)}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
