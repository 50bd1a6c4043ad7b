"""Sharing a badge from the wallet: public link, QR code, LinkedIn, printable CV page.

A badge issued here (Assertion) and one imported from another platform (ImportedBadge)
are shared the same way: both are first described as a ``Shareable``, which the
``_share.html`` include and the ``print.html`` page render."""

import io
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.text import slugify

from badges.models import Assertion, ImportedBadge, ShareOpen


@dataclass(frozen=True)
class Shareable:
    name: str
    issuer_name: str
    issued_on: datetime | None
    expires_on: datetime | None
    public_url: str
    credential_id: str
    image_url: str
    recipient_name: str
    is_public: bool
    owner_url: str
    qr_png_url: str
    qr_svg_url: str
    print_url: str
    # The addresses handed out, one per way of sharing: for a badge issued here they lead to
    # the public page through a redirect that counts the opens per source (views.public.share_open).
    link_url: str = ""
    qr_url: str = ""
    linkedin_url: str = ""

    def __post_init__(self):
        for name in ("link_url", "qr_url", "linkedin_url"):
            if not getattr(self, name):
                object.__setattr__(self, name, self.public_url)

    @property
    def file_stem(self) -> str:
        return slugify(self.name)[:60] or "badge"


def share_open_url(assertion: Assertion, source: str) -> str:
    return settings.SITE_URL + reverse("badges:share_open", kwargs={"public_id": assertion.public_id,
                                                                   "source": source})


def shareable_assertion(assertion: Assertion) -> Shareable:
    kwargs = {"public_id": assertion.public_id}
    Source = ShareOpen.Source  # noqa: N806
    return Shareable(
        name=assertion.badge_class.name, issuer_name=assertion.badge_class.issuer.name,
        issued_on=assertion.issued_on, expires_on=assertion.expires_on,
        public_url=settings.SITE_URL + assertion.get_absolute_url(), credential_id=str(assertion.public_id),
        image_url=assertion.badge_class.image.url, recipient_name=assertion.recipient_name,
        is_public=assertion.visibility == Assertion.Visibility.PUBLIC,
        owner_url=reverse("wallet:badge", kwargs=kwargs),
        qr_png_url=reverse("wallet:badge_qr", kwargs={**kwargs, "fmt": "png"}),
        qr_svg_url=reverse("wallet:badge_qr", kwargs={**kwargs, "fmt": "svg"}),
        print_url=reverse("wallet:badge_print", kwargs=kwargs),
        link_url=share_open_url(assertion, Source.LINK), qr_url=share_open_url(assertion, Source.QR),
        linkedin_url=share_open_url(assertion, Source.LINKEDIN),
    )


def shareable_imported(badge: ImportedBadge) -> Shareable:
    kwargs = {"public_id": badge.public_id}
    page = reverse("wallet:imported", kwargs=kwargs)
    return Shareable(
        name=badge.badge_name, issuer_name=badge.issuer_name, issued_on=badge.issued_on,
        expires_on=badge.expires_on, public_url=settings.SITE_URL + page,
        # The other platform's id is what a recruiter can look up there.
        credential_id=badge.document_id[:200],
        image_url=badge.baked_file.url if badge.baked_file else badge.image_url,
        # An imported document names its recipient by e-mail (often hashed) only.
        recipient_name="",
        is_public=badge.visibility == Assertion.Visibility.PUBLIC,
        owner_url=page,
        qr_png_url=reverse("wallet:imported_qr", kwargs={**kwargs, "fmt": "png"}),
        qr_svg_url=reverse("wallet:imported_qr", kwargs={**kwargs, "fmt": "svg"}),
        print_url=reverse("wallet:imported_print", kwargs=kwargs),
    )


def linkedin_add_url(share: Shareable) -> str:
    """LinkedIn's "Add licence or certification" form, pre-filled."""
    params: dict[str, object] = {"startTask": "CERTIFICATION_NAME", "name": share.name,
                                 "organizationName": share.issuer_name}
    if share.issued_on:
        params["issueYear"] = share.issued_on.year
        params["issueMonth"] = share.issued_on.month
    if share.expires_on:
        params["expirationYear"] = share.expires_on.year
        params["expirationMonth"] = share.expires_on.month
    params["certUrl"] = share.linkedin_url
    params["certId"] = share.credential_id
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def linkedin_share_url(share: Shareable) -> str:
    return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": share.linkedin_url})


def qr_svg(data: str) -> str:
    return qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).to_string(
        encoding="unicode"
    )


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(data, box_size=10, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def share_context(share: Shareable) -> dict:
    """What the ``_share.html`` include and the printable page need."""
    return {"share": share, "public_url": share.public_url, "share_link_url": share.link_url,
            "qr_svg": qr_svg(share.qr_url),
            "linkedin_add_url": linkedin_add_url(share), "linkedin_share_url": linkedin_share_url(share)}


def qr_response(share: Shareable, fmt: str, *, download: bool) -> HttpResponse:
    if fmt == "svg":
        response = HttpResponse(qr_svg(share.qr_url), content_type="image/svg+xml")
    elif fmt == "png":
        response = HttpResponse(qr_png(share.qr_url), content_type="image/png")
    else:
        raise Http404
    if download:
        response["Content-Disposition"] = f'attachment; filename="qr-{share.file_stem}.{fmt}"'
    return response
