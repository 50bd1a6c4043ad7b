"""Every stored file is served here, behind the rule of what it belongs to, in
development and in production alike (gunicorn serves them: there is no /media/
folder open to anyone).

A path is served only if a row names it: a badge class, issuer or endorser image
(public), a baked badge (its assertion's visibility), an evidence file (the owner's
choice, the applicant, reviewers, issuer staff), an imported badge (its owner's
choice). Anything else, drafts included, is 404, as is anything a person may not see.

Every answer carries ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy:
sandbox; default-src 'none'``: a file opened on our origin can never run script or load
anything. Evidence downloads as an attachment.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from badges import selectors
from badges.models import Assertion, BadgeClass, Evidence, ImportedBadge
from badges.views.applications import OPENED_APPLICATIONS
from endorsements.models import Endorser
from issuers.models import Issuer

# Our stored names end with the extension decided from the content (badgehub.uploads).
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                 "webp": "image/webp", "svg": "image/svg+xml", "pdf": "application/pdf"}
USER_CONTENT_CSP = "sandbox; default-src 'none'"


@dataclass(frozen=True)
class Access:
    shared: bool = False  # the same for everyone: caches may keep it
    attachment: bool = False  # downloaded, never shown on our origin
    download_name: str = ""  # the name the person gave the file, with our extension


def _public_image(model):
    def rule(request: HttpRequest, name: str) -> Access | None:
        return Access(shared=True) if model.objects.filter(image=name).exists() else None
    return rule


def _baked(request: HttpRequest, name: str) -> Access | None:
    assertion = (Assertion.objects.select_related("badge_class")
                 .filter(Q(baked_png=name) | Q(baked_svg=name)).first())
    if assertion is None or not selectors.user_may_view_assertion(user=request.user, assertion=assertion):
        return None
    return Access()


def _evidence(request: HttpRequest, name: str) -> Access | None:
    # A corrected badge shares its original's files: one row letting the person in is enough.
    rows = Evidence.objects.filter(file=name).select_related("assertion__badge_class", "application__badge_class")
    opened = request.session.get(OPENED_APPLICATIONS, [])
    for row in rows:
        if selectors.user_may_see_evidence(user=request.user, evidence=row, opened_application_ids=opened):
            return Access(attachment=True, download_name=_download_name(row.file_name, name))
    return None


def _download_name(given: str, stored: str) -> str:
    """The applicant's name for the file, but the extension our content check decided:
    a file given as ``photo.html`` still downloads as the JPEG it is."""
    extension = PurePosixPath(stored).suffix
    stem = given[: -len(PurePosixPath(given).suffix) or None] if PurePosixPath(given).suffix else given
    return f"{stem}{extension}" if stem else PurePosixPath(stored).name


def _imported(request: HttpRequest, name: str) -> Access | None:
    badge = ImportedBadge.objects.filter(baked_file=name).first()
    if badge is None:
        return None
    if badge.visibility == Assertion.Visibility.PUBLIC or badge.user_id == request.user.pk:
        return Access()
    return None


RULES = {
    "badges": _public_image(BadgeClass),
    "issuers": _public_image(Issuer),
    "endorsers": _public_image(Endorser),
    "baked": _baked,
    "evidence": _evidence,
    "imported": _imported,
}


@require_safe
def media(request: HttpRequest, path: str) -> FileResponse:
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or path.startswith("/") or parts[0] not in RULES:
        raise Http404
    access = RULES[parts[0]](request, path)
    if access is None or not default_storage.exists(path):
        raise Http404  # private = 404: nobody learns that the file exists
    return file_response(path, access)


def file_response(name: str, access: Access) -> FileResponse:
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    content_type = CONTENT_TYPES.get(extension)
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type or "application/octet-stream",
                            as_attachment=access.attachment or content_type is None,
                            # Django quotes it, or RFC 5987-encodes it when it is not ASCII.
                            filename=access.download_name or PurePosixPath(name).name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = USER_CONTENT_CSP
    response._csp_exempt = True  # django-csp: this policy, not the pages' one
    if access.shared:
        # Badge images are fetched by backpacks and verifiers from other origins.
        response["Cache-Control"] = "public, max-age=3600"
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response["Cache-Control"] = "private, no-store"
    return response
