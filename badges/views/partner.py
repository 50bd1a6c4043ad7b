"""The partner form: a mediator issues a badge in at most three screens
(choose the badge → who, what was observed, when → preview and confirm),
or to a group from a CSV file checked before anything is issued."""

import uuid
from datetime import date
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badgehub import csv_safe
from badges import selectors, services
from badges.forms import BatchUploadForm, IssueForm
from badges.models import BadgeClass, IssueBatch
from badges.services import EvidenceInput
from badges.services.uploads import DRAFTS_DIR
from issuers.models import Membership

DRAFT_KEY = "partner_draft:{}"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Screen 1: the badges this person may issue, grouped by issuer."""
    badge_classes = list(selectors.badge_classes_user_can_issue(user=request.user).order_by("issuer__name", "name"))
    memberships = list(selectors.partner_memberships(user=request.user))
    requestable = BadgeClass.objects.requestable().filter(issuer__in=[m.issuer_id for m in memberships])
    return render(request, "badges/partner/home.html", {
        "reviews": selectors.badge_classes_user_reviews(user=request.user).exists(),
        "requestable": requestable.order_by("name"),
        "badge_classes": badge_classes,
        "memberships": memberships,
        "staff_roles": Membership.STAFF_ROLES,
        "reviewing_roles": Membership.REVIEWING_ROLES,
        "issuing_roles": Membership.ISSUING_ROLES,
    })


def _draft(request: HttpRequest, badge_class: BadgeClass) -> dict:
    key = DRAFT_KEY.format(badge_class.public_id)
    draft = request.session.get(key, {})
    if draft.get("file_path") and not default_storage.exists(draft["file_path"]):
        # Files of drafts left for days are purged (services.uploads.draft_files_purge): ask for it again.
        messages.warning(request, _("Le fichier joint à ce brouillon (%(name)s) n'est plus disponible : "
                                    "ajoutez-le à nouveau.") % {"name": draft.get("file_name", "")})
        draft = {**draft, "file_path": "", "file_name": "", "file_lost": True}
        request.session[key] = draft
    return draft


def _drop_draft(request: HttpRequest, badge_class: BadgeClass) -> None:
    draft = request.session.pop(DRAFT_KEY.format(badge_class.public_id), {})
    if draft.get("file_path"):
        default_storage.delete(draft["file_path"])


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Screen 2: recipients, observation and evidence, date."""
    badge_class = selectors.get_issuable_badge_class(user=request.user, public_id=public_id)
    draft = _draft(request, badge_class)
    if request.method == "POST":
        form = IssueForm(request.POST, request.FILES, badge_class=badge_class,
                         kept_file_name=draft.get("file_name", ""))
        if form.is_valid():
            data = form.cleaned_data
            new_draft = {
                "recipients": data["recipients"], "narrative": data["narrative"], "evidence_url": data["evidence_url"],
                "issued_on": data["issued_on"].isoformat(),
                "file_path": draft.get("file_path", ""), "file_name": draft.get("file_name", ""),
                # One token per draft, kept while it is edited: confirming it twice (a double
                # click, a retry after an error page) never issues a badge twice.
                "token": draft.get("token") or uuid.uuid4().hex,
            }
            upload = data["evidence_file"]
            if upload is not None:
                if draft.get("file_path"):
                    default_storage.delete(draft["file_path"])
                # Kept aside until confirmation; the original name is shown, the stored one is ours.
                new_draft["file_path"] = default_storage.save(f"{DRAFTS_DIR}/{uuid.uuid4().hex}/{upload.name}",
                                                              upload)
                new_draft["file_name"] = request.FILES["evidence_file"].name  # as the mediator knows it
            request.session[DRAFT_KEY.format(badge_class.public_id)] = new_draft
            return redirect("partner:issue_preview", public_id=badge_class.public_id)
    else:
        initial = {"issued_on": timezone.localdate()}
        kept = ("recipients", "narrative", "evidence_url", "issued_on")
        initial.update({key: value for key, value in draft.items() if key in kept})
        form = IssueForm(initial=initial, badge_class=badge_class, kept_file_name=draft.get("file_name", ""))
    return render(request, "badges/partner/issue.html", {"badge_class": badge_class, "form": form, "draft": draft})


@login_required
@require_http_methods(["GET", "POST"])
def issue_preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Screen 3: what the recipients will see; confirm issues them all at once."""
    badge_class = selectors.get_issuable_badge_class(user=request.user, public_id=public_id)
    draft = _draft(request, badge_class)
    if not draft or draft.get("file_lost"):
        return redirect("partner:issue", public_id=badge_class.public_id)
    recipients, _errors = services.recipients_parse(draft["recipients"])
    issued_on = date.fromisoformat(draft["issued_on"])
    if request.method == "POST":
        file = None
        if draft.get("file_path"):
            with default_storage.open(draft["file_path"]) as stored:
                file = ContentFile(stored.read(), name=PurePath(draft["file_path"]).name)
        evidence = None
        if draft["evidence_url"] or file is not None:
            evidence = EvidenceInput(url=draft["evidence_url"], file=file, name=draft.get("file_name", ""),
                                     file_name=draft.get("file_name", ""))
        token = request.POST.get("idempotency_token") or draft.get("token") or ""
        try:
            issued = services.assertion_issue_many(
                badge_class=badge_class, recipients=recipients, issued_by=request.user,
                narrative=draft["narrative"], evidence=evidence, issued_on=issued_on, idempotency_token=token,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("partner:issue", public_id=badge_class.public_id)
        _drop_draft(request, badge_class)
        messages.success(request, ngettext(
            "Badge « %(badge)s » délivré à %(names)s. Un e-mail lui explique comment le recevoir.",
            "Badge « %(badge)s » délivré à %(count)d personnes : %(names)s. Chacune reçoit un e-mail.",
            len(issued),
        ) % {"badge": badge_class.name, "count": len(issued),
             "names": ", ".join(a.recipient_name or a.recipient_email for a in issued)})
        return redirect("partner:issue", public_id=badge_class.public_id)
    return render(request, "badges/partner/preview.html", {
        "badge_class": badge_class, "draft": draft, "recipients": recipients, "issued_on": issued_on,
    })


# The columns of the CSV template, as a mediator reads them (each is one of batches.HEADERS' aliases).
CSV_TEMPLATE_COLUMNS = ["nom", "e-mail", "observation", "lien de la preuve", "date"]


@login_required
@require_GET
def batch_template(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An empty CSV with the columns we recognise, to fill in a spreadsheet (BOM and ';' for Excel)."""
    badge_class = selectors.get_issuable_badge_class(user=request.user, public_id=public_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="modele-{badge_class.public_id.hex[:8]}.csv"'
    response.write("\ufeff")
    csv_safe.writer(response, delimiter=";").writerow(CSV_TEMPLATE_COLUMNS)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    badge_class = selectors.get_issuable_badge_class(user=request.user, public_id=public_id)
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                badge_class=badge_class, created_by=request.user, data=form.cleaned_data["file"],
                source_name=request.FILES["file"].name, narrative=form.cleaned_data["narrative"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("partner:batch_detail", public_id=batch.public_id)
    return render(request, "badges/partner/batch_new.html", {"badge_class": badge_class, "form": form})


@login_required
@require_GET
def batch_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The check report before confirmation, the progress bar while it runs, the summary after."""
    batch = selectors.get_batch_for_user(user=request.user, public_id=public_id)
    return render(request, "badges/partner/batch_detail.html", {
        "batch": batch, "badge_class": batch.badge_class, "progress": _progress(batch),
        "rejected_preview": batch.rejected[:200],
    })


@login_required
@require_POST
def batch_start(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = selectors.get_batch_for_user(user=request.user, public_id=public_id)
    try:
        services.batch_start(batch=batch, started_by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("partner:batch_detail", public_id=batch.public_id)


def _progress(batch: IssueBatch) -> dict:
    percent = round(100 * batch.done / batch.total) if batch.total else 100
    return {
        "status": batch.status, "status_label": batch.get_status_display(), "total": batch.total,
        "done": batch.done, "skipped": batch.skipped, "issued": batch.done - batch.skipped, "percent": percent,
        "finished": batch.status in (IssueBatch.Status.DONE, IssueBatch.Status.FAILED),
    }


@login_required
@require_GET
def batch_progress(request: HttpRequest, public_id: uuid.UUID) -> JsonResponse:
    batch = selectors.get_batch_for_user(user=request.user, public_id=public_id)
    return JsonResponse(_progress(batch), headers={"Cache-Control": "no-store"})


@login_required
@require_GET
def batch_rejected(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = selectors.get_batch_for_user(user=request.user, public_id=public_id)
    response = HttpResponse(services.batch_rejected_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lignes-rejetees-{batch.public_id.hex[:8]}.csv"'
    return response


