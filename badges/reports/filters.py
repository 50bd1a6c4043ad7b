"""The filters of an activity report, read from the query string (so that a
filtered report can be bookmarked, and its exports carry the same filters)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from badges.models import Assertion, BadgeClass
from badges.reports.access import Scope
from issuers.models import Membership
from pathways.models import Pathway


@dataclass
class Filters:
    start: date
    end: date
    badge: BadgeClass | None = None
    pathway: Pathway | None = None
    via: str = ""
    mediator: object = None
    issuer: object = None
    departement: str = ""
    commune: str = ""

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) of every filter in force, for the page and the exports' first lines."""
        out = [(str(_("Période")), f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}")]
        if self.issuer:
            out.append((str(_("Structure")), self.issuer.name))
        if self.badge:
            out.append((str(_("Badge")), self.badge.name))
        if self.pathway:
            out.append((str(_("Parcours")), self.pathway.name))
        if self.via:
            out.append((str(_("Mode d'obtention")), str(Assertion.Via(self.via).label)))
        if self.mediator:
            out.append((str(_("Médiateur")), self.mediator.get_full_name() or self.mediator.username))
        if self.departement:
            out.append((str(_("Département")), self.departement))
        if self.commune:
            out.append((str(_("Commune (code INSEE)")), self.commune))
        return out


class QuickSelect(forms.Select):
    """A select written in one pass: a network's badge list has hundreds of options, which
    Django's template-rendered widget wrote in a tenth of a second."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (key, " selected" if str(key) in chosen else "", label) for key, label in self.choices))
        return format_html("<select{}>{}</select>", flatatt(attrs), options)


def _choice(label) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, widget=QuickSelect)


class ReportFilterForm(forms.Form):
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    emetteur = _choice(_("Structure"))
    badge = _choice(_("Badge"))
    parcours = _choice(_("Parcours"))
    mode = _choice(_("Mode d'obtention"))
    mediateur = _choice(_("Médiateur"))
    departement = _choice(_("Département"))
    commune = _choice(_("Commune"))

    def __init__(self, data, *, scope: Scope):
        super().__init__(data)
        self.scope = scope
        ids = scope.issuer_ids
        every = [("", _("Tous"))]
        self.issuers = {str(issuer.public_id): issuer for issuer in scope.issuers}
        self.fields["emetteur"].choices = [("", _("Toutes"))] + [(k, i.name) for k, i in self.issuers.items()]
        badges = BadgeClass.objects.filter(issuer__in=ids).select_related("issuer").only(
            "public_id", "name", "issuer_id", "issuer__name").order_by("issuer__name", "name")
        self.badges = {str(badge.public_id): badge for badge in badges}
        self.fields["badge"].choices = every + [
            (key, f"{badge.name} ({badge.issuer.name})" if len(ids) > 1 else badge.name)
            for key, badge in self.badges.items()
        ]
        pathways = Pathway.objects.filter(issuer__in=ids).order_by("issuer__name", "position", "name")
        self.pathways = {str(pathway.public_id): pathway for pathway in pathways}
        self.fields["parcours"].choices = every + [(key, p.name) for key, p in self.pathways.items()]
        self.fields["mode"].choices = every + list(Assertion.Via.choices)
        users = get_user_model().objects.filter(
            memberships__issuer__in=ids, memberships__role__in=Membership.ISSUING_ROLES
        ).distinct().only("first_name", "last_name", "username").order_by("first_name", "last_name", "username")
        self.mediators = {str(user.pk): user for user in users}
        self.fields["mediateur"].choices = every + [
            (key, user.get_full_name() or user.username) for key, user in self.mediators.items()
        ]
        if scope.mediator is not None or len(ids) < 2:
            del self.fields["emetteur"]
        if scope.mediator is not None:
            del self.fields["mediateur"]
        departements = sorted({issuer.departement for issuer in scope.issuers if issuer.departement})
        communes = sorted({issuer.commune_insee for issuer in scope.issuers if issuer.commune_insee})
        self.fields["departement"].choices = every + [(code, code) for code in departements]
        self.fields["commune"].choices = every + [(code, code) for code in communes]

    def clean(self):
        data = super().clean()
        start, end = data.get("du"), data.get("au")
        if start and end and start > end:
            self.add_error("au", _("La fin de la période doit suivre son début."))
        return data

    def filters(self) -> Filters:
        """The filters of the valid fields; a wrong field is shown with its message and ignored."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if not self.is_bound:
            data = {}
        today = timezone.localdate()
        end = data.get("au") or today
        start = data.get("du") or (end - timedelta(days=365))
        if start > end:
            start, end = end - timedelta(days=365), end
        return Filters(
            start=start,
            end=end,
            issuer=self.issuers.get(data.get("emetteur") or ""),
            badge=self.badges.get(data.get("badge") or ""),
            pathway=self.pathways.get(data.get("parcours") or ""),
            via=data.get("mode") or "",
            mediator=self.scope.mediator or self.mediators.get(data.get("mediateur") or ""),
            departement=data.get("departement") or "",
            commune=data.get("commune") or "",
        )

    def query_string(self) -> str:
        """The filters in force as a query string, for the export links."""
        from urllib.parse import urlencode

        if not self.is_bound:
            return ""
        return urlencode([(k, v) for k, v in self.data.items() if k in self.fields and v])
