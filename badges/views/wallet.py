"""The beneficiary's wallet ("passeport"): claim, badges, sharing, public profile, my data."""

import io
import json
import zipfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badgehub import csv_safe
from badges import selectors, throttle
from badges.forms import ClaimSignupForm, ConfirmForm, ImportForm, ShownDetailsForm, WalletProfileForm
from badges.models import Assertion, EmailAddress, ImportedBadge, WalletProfile
from badges.services import accounts as account_services
from badges.services import wallet as services
from badges.sharing import qr_response, share_context, shareable_assertion, shareable_imported
from badges.views.accounts import BACKEND, add_errors
from pathways.selectors import pathway_progress, pathways_with_steps


def public_url(assertion: Assertion) -> str:
    return settings.SITE_URL + assertion.get_absolute_url()


def file_stem(assertion: Assertion) -> str:
    return slugify(assertion.badge_class.name)[:60] or "badge"


# --- Claim --------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    # Per client, before the token is looked up: claim links cannot be tried in bulk.
    throttle.check(throttle.CLAIM_PER_CLIENT, throttle.client_ip(request))
    assertion = get_object_or_404(Assertion.objects.select_related("badge_class__issuer"), claim_token=token)
    user = request.user
    if assertion.claimed_at or assertion.declined_at:
        if assertion.declined_at is None and selectors.user_owns_assertion(user=user, assertion=assertion):
            return redirect("wallet:badge", public_id=assertion.public_id)
        return render(request, "badges/claim_used.html", {"assertion": assertion}, status=410)
    if request.method == "GET" and selectors.user_owns_assertion(user=user, assertion=assertion):
        # Sent to one of their verified addresses: it is in their wallet already.
        return redirect("wallet:badge", public_id=assertion.public_id)

    action = request.POST.get("action") if request.method == "POST" else None
    signup_form = ClaimSignupForm(request.POST if action == "signup" else None)
    error = None
    if action == "decline":
        try:
            services.assertion_decline(assertion=assertion)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return render(request, "badges/claim_declined.html", {"assertion": assertion})
    elif action == "claim" and user.is_authenticated:
        try:
            services.assertion_claim(assertion=assertion, user=user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("Le badge est dans votre passeport."))
            return redirect("wallet:badge", public_id=assertion.public_id)
    elif action == "signup" and not user.is_authenticated and signup_form.is_valid():
        try:
            with transaction.atomic():
                user = account_services.account_create(
                    name=signup_form.cleaned_data["name"], email=assertion.recipient_email,
                    password=signup_form.cleaned_data["password"], email_verified=True,
                )
                services.assertion_claim(assertion=assertion, user=user)
        except ValidationError as exc:
            add_errors(signup_form, exc)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Votre compte est créé et le badge est dans votre passeport."))
            return redirect("wallet:badge", public_id=assertion.public_id)

    context = {
        "assertion": assertion,
        "signup_form": signup_form,
        "error": error,
        "account_exists": EmailAddress.objects.filter(email=assertion.recipient_email).exists(),
        "claim_path": request.path,
    }
    return render(request, "badges/claim.html", context, status=400 if error else 200)


# --- Wallet -------------------------------------------------------------------

# Badges per page of the wallet and of the public profile: a page costs the same with
# 10 badges or 1,000 (pages with links, no script).
WALLET_PAGE = 24

@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    emails = selectors.user_verified_emails(user=request.user)
    page = Paginator(selectors.wallet_cards(user=request.user, emails=emails), WALLET_PAGE).get_page(
        request.GET.get("page"))
    held = selectors.wallet_held_badge_class_ids(user=request.user, emails=emails)
    context = {
        "page": page,
        "progress": pathway_progress(held_badge_class_ids=held, emails=emails),
        "unverified": [e for e in request.user.email_addresses.all() if e.verified_at is None],
        "imported": list(request.user.imported_badges.defer("original_document", "original_token", "checks")),
    }
    return render(request, "badges/wallet/home.html", context)


@login_required
@require_GET
def badge(request: HttpRequest, public_id) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    context = {
        **badge_page_context(assertion),
        **share_context(shareable_assertion(assertion)),
        "details_form": ShownDetailsForm(
            initial={"show_evidence": assertion.show_evidence, "show_narrative": assertion.show_narrative}
        ),
    }
    return render(request, "badges/wallet/badge.html", context)


def badge_page_context(assertion: Assertion) -> dict:
    """Everything a recruiter sees about an assertion (also used by the public page)."""
    badge_class = assertion.badge_class
    return {
        "assertion": assertion,
        "badge_class": badge_class,
        "evidence": list(assertion.evidence.all()),
        "alignments": list(badge_class.alignments.all()),
        "endorsements": [
            *assertion.endorsements.published().select_related("endorser"),
            *badge_class.endorsements.published().select_related("endorser"),
        ],
        "holder_count": selectors.badge_class_holder_count(badge_class=badge_class),
        "pathway_steps": list(badge_class.pathway_steps.select_related("pathway")),
    }


@login_required
@require_POST
def badge_visibility(request: HttpRequest, public_id) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    public = request.POST.get("visibility") == Assertion.Visibility.PUBLIC
    services.assertion_set_visibility(assertion=assertion, user=request.user, public=public)
    if public:
        messages.success(request, _("Votre badge est public : toute personne qui a le lien peut le voir."))
    else:
        messages.success(request, _("Votre badge est privé : vous seul le voyez."))
    return redirect("wallet:badge", public_id=assertion.public_id)


@login_required
@require_POST
def badge_details(request: HttpRequest, public_id) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    form = ShownDetailsForm(request.POST)
    form.is_valid()  # two optional checkboxes: always valid
    before = (assertion.show_evidence, assertion.show_narrative)
    services.assertion_set_shown_details(assertion=assertion, user=request.user, **form.cleaned_data)
    if before != (assertion.show_evidence, assertion.show_narrative):
        messages.success(request, _("Vos choix sont enregistrés. Les fichiers et les versions signées de votre "
                                    "badge sont refaits dans un instant."))
    else:
        messages.success(request, _("Vos choix sont enregistrés."))
    return redirect("wallet:badge", public_id=assertion.public_id)


@login_required
@require_GET
def badge_qr(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    return qr_response(shareable_assertion(assertion), fmt, download="telecharger" in request.GET)


@login_required
@require_GET
def badge_print(request: HttpRequest, public_id) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    return render(request, "badges/wallet/print.html", share_context(shareable_assertion(assertion)))


@login_required
@require_GET
def badge_download(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    content, content_type = download_content(assertion, fmt)
    if content is None:
        messages.info(request, _("Ce fichier est en préparation. Revenez dans quelques minutes."))
        return redirect("wallet:badge", public_id=assertion.public_id)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(assertion)}.{fmt}"'
    return response


def download_content(assertion: Assertion, fmt: str) -> tuple[bytes | str | None, str]:
    if fmt in ("png", "svg"):
        field = assertion.baked_png if fmt == "png" else assertion.baked_svg
        if not field:
            return None, ""
        with field.open("rb") as handle:
            return handle.read(), "image/png" if fmt == "png" else "image/svg+xml"
    if fmt == "json":
        if not assertion.ob3_credential:
            return None, ""
        return json.dumps(assertion.ob3_credential, ensure_ascii=False, indent=2), "application/json"
    if fmt == "jwt":
        return (assertion.ob3_jwt or None), "text/plain"
    raise Http404


# --- Public profile -----------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = WalletProfile.objects.filter(user=request.user).first()
    initial = {"display_name": request.user.get_full_name()}
    if profile:
        initial = {"public": profile.public, "slug": profile.slug, "display_name": profile.display_name,
                   "headline": profile.headline}
    form = WalletProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.wallet_profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Votre page est enregistrée."))
            return redirect("wallet:profile_edit")
    return render(request, "badges/wallet/profile_edit.html", {"form": form, "profile": profile})


@require_GET
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_object_or_404(WalletProfile.objects.select_related("user"), slug=slug, public=True)
    public = selectors.wallet_cards(user=profile.user).filter(visibility=Assertion.Visibility.PUBLIC)
    page = Paginator(public, WALLET_PAGE).get_page(request.GET.get("page"))
    # The page's badges, grouped by the pathways they belong to.
    assertions = list(page.object_list)
    by_class: dict[int, list[Assertion]] = {}
    for assertion in assertions:
        by_class.setdefault(assertion.badge_class_id, []).append(assertion)
    groups, placed = [], set()
    pathways = pathways_with_steps().filter(
        Q(steps__badge_class_id__in=list(by_class)) | Q(key_badge_id__in=list(by_class))
    ).distinct()
    for pathway in pathways:
        class_ids = [step.badge_class_id for step in pathway.steps.all()] + [pathway.key_badge_id]
        items = [a for class_id in class_ids if class_id in by_class for a in by_class[class_id]]
        placed.update(a.pk for a in items)
        groups.append((pathway, items))
    others = [a for a in assertions if a.pk not in placed]
    imported = list(profile.user.imported_badges.filter(visibility=Assertion.Visibility.PUBLIC).defer(
        "original_document", "original_token", "checks"))
    context = {"profile": profile, "groups": groups, "others": others, "imported": imported, "page": page,
               "count": page.paginator.count + len(imported)}
    return render(request, "badges/wallet/profile.html", context)


# --- My data ------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    export_form = ConfirmForm(prefix="export")
    delete_form = ConfirmForm(prefix="delete")
    if request.method == "POST" and "export-confirm" in request.POST:
        export_form = ConfirmForm(request.POST, prefix="export")
        if export_form.is_valid():
            response = HttpResponse(wallet_export_zip(request.user), content_type="application/zip")
            response["Content-Disposition"] = 'attachment; filename="mon-passeport-badgehub.zip"'
            return response
    elif request.method == "POST":
        delete_form = ConfirmForm(request.POST, prefix="delete")
        if delete_form.is_valid():
            account_services.account_delete(user=request.user)
            logout(request)
            messages.success(request, _("Votre compte et votre passeport sont supprimés."))
            return redirect("home")
    return render(request, "badges/wallet/my_data.html", {"export_form": export_form, "delete_form": delete_form})


def wallet_export_zip(user) -> bytes:
    """Baked images, Open Badges documents and a CSV list of every badge in the wallet."""
    buffer = io.BytesIO()
    rows = io.StringIO()
    writer = csv_safe.writer(rows)
    writer.writerow(["badge", "emetteur", "delivre_le", "expire_le", "statut", "visibilite", "lien", "fichier"])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for assertion in selectors.wallet_assertions(user=user):
            stem = f"{file_stem(assertion)}-{str(assertion.public_id)[:8]}"
            for fmt in ("png", "svg", "json", "jwt"):
                content, _type = download_content(assertion, fmt)
                if content is not None:
                    archive.writestr(f"badges/{stem}.{fmt}", content)
            writer.writerow([
                assertion.badge_class.name, assertion.badge_class.issuer.name, assertion.issued_on.date().isoformat(),
                assertion.expires_on.date().isoformat() if assertion.expires_on else "", assertion.status,
                assertion.visibility, public_url(assertion), f"badges/{stem}",
            ])
        for badge in user.imported_badges.all():
            stem = f"importes/{slugify(badge.badge_name)[:60] or 'badge'}-{str(badge.public_id)[:8]}"
            archive.writestr(f"{stem}.json", json.dumps(badge.original_document, ensure_ascii=False, indent=2))
            if badge.original_token:
                archive.writestr(f"{stem}.jwt", badge.original_token)
            if badge.baked_file:
                with badge.baked_file.open("rb") as handle:
                    archive.writestr(f"{stem}.png", handle.read())
            writer.writerow([badge.badge_name, badge.issuer_name,
                             badge.issued_on.date().isoformat() if badge.issued_on else "",
                             badge.expires_on.date().isoformat() if badge.expires_on else "", badge.status,
                             badge.visibility, "", stem])
        archive.writestr("badges.csv", rows.getvalue())
        archive.writestr("portefeuilles.csv", wallet_deliveries_csv(user))
        account = {
            "nom": user.get_full_name() or user.first_name,
            "adresses": [
                {"email": a.email, "verifiee": bool(a.verified_at)} for a in user.email_addresses.all()
            ],
        }
        archive.writestr("compte.json", json.dumps(account, ensure_ascii=False, indent=2))
    return buffer.getvalue()



def wallet_deliveries_csv(user) -> str:
    """Which wallet (holder DID) received which of the user's badges, and when."""
    rows = io.StringIO()
    writer = csv_safe.writer(rows)
    writer.writerow(["badge", "portefeuille", "format", "identifiant_du_porteur", "remis_le"])
    for delivery in selectors.wallet_deliveries(user=user):
        writer.writerow([delivery.assertion.badge_class.name, delivery.get_protocol_display(), delivery.format,
                         delivery.holder_id, delivery.delivered_at.isoformat()])
    return rows.getvalue()


# --- Badges from other platforms ------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_badge(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.get("file") or form.cleaned_data["text"]
        upload = request.FILES.get("file")
        # Importing verifies, and verifying may fetch other servers: the verifier's limit.
        throttle.check(throttle.VERIFIER_PER_CLIENT, f"user:{request.user.pk}")
        try:
            imported = services.badge_import(user=request.user, data=data, file_name=upload.name if upload else "")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Le badge est vérifié et ajouté à votre passeport."))
            return redirect("wallet:imported", public_id=imported.public_id)
    return render(request, "badges/wallet/import.html", {"form": form})


@require_GET
def imported(request: HttpRequest, public_id) -> HttpResponse:
    """The owner's page of an imported badge, and its public page once they make it public."""
    badge = get_object_or_404(ImportedBadge, public_id=public_id)
    is_owner = request.user.is_authenticated and badge.user_id == request.user.pk
    if not is_owner and badge.visibility != Assertion.Visibility.PUBLIC:
        raise Http404
    rechecked = services.imported_badge_recheck(imported=badge)
    context = {"badge": badge, "is_owner": is_owner, "rechecked": rechecked,
               **share_context(shareable_imported(badge))}
    return render(request, "badges/wallet/imported.html", context)


def get_imported_for_owner(*, user, public_id) -> ImportedBadge:
    return get_object_or_404(ImportedBadge, public_id=public_id, user=user)


@login_required
@require_POST
def imported_visibility(request: HttpRequest, public_id) -> HttpResponse:
    badge = get_imported_for_owner(user=request.user, public_id=public_id)
    services.imported_badge_set_visibility(
        imported=badge, user=request.user, public=request.POST.get("visibility") == Assertion.Visibility.PUBLIC
    )
    return redirect("wallet:imported", public_id=badge.public_id)


@login_required
@require_POST
def imported_delete(request: HttpRequest, public_id) -> HttpResponse:
    badge = get_imported_for_owner(user=request.user, public_id=public_id)
    services.imported_badge_delete(imported=badge, user=request.user)
    messages.success(request, _("Le badge importé est retiré de votre passeport."))
    return redirect("wallet:home")


@login_required
@require_GET
def imported_qr(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    badge = get_imported_for_owner(user=request.user, public_id=public_id)
    return qr_response(shareable_imported(badge), fmt, download="telecharger" in request.GET)


@login_required
@require_GET
def imported_print(request: HttpRequest, public_id) -> HttpResponse:
    badge = get_imported_for_owner(user=request.user, public_id=public_id)
    return render(request, "badges/wallet/print.html", share_context(shareable_imported(badge)))
