"""A report as a list of sections — title, French column headers, typed rows and the
chart to draw. The page, the CSV and the XLSX all read these same sections, so an
export holds exactly what the page shows."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from badges.reports.figures import Report


@dataclass
class Chart:
    kind: str  # "bar" (vertical), "hbar", "map"
    labels: list[str]
    series: list[tuple[str, list]]  # (legend, values)


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: Chart | None = None
    note: str = ""

    @property
    def chart_is_partial(self) -> bool:
        return self.chart is not None and self.chart.kind == "hbar" and len(self.rows) > len(self.chart.labels)
    total: list | None = None
    empty: str = field(default="")

    @property
    def all_rows(self) -> list[list]:
        return self.rows + ([self.total] if self.total else [])

    def rows_html(self) -> SafeString:
        """The table's rows as HTML, numbers right-aligned and written the French way. Built
        here rather than by a template loop: a network's tables hold a thousand rows, which
        the template engine took longer to write than the database to count."""
        return mark_safe("".join(  # noqa: S308 — every value is escaped by _cell
            "<tr>" + "".join(_cell(value) for value in row) + "</tr>\n" for row in self.rows))


def _cell(value) -> str:
    if isinstance(value, bool):
        return f"<td>{escape(str(value))}</td>"
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'  # no thousands separator, as the template wrote them
    if isinstance(value, float):
        return f'<td class="num">{number_format(value)}</td>'
    if isinstance(value, date):
        return f"<td>{escape(date_format(value, 'F Y'))}</td>"
    return f"<td>{escape(value)}</td>"


def _days(value):
    return value if value is not None else ""


def sections_build(report: Report) -> list[Section]:
    t, sections = report.totals, []
    sections.append(Section("synthese", _("Synthèse"), [_("Indicateur"), _("Valeur")], [
        [_("Badges délivrés"), t["issued"]],
        [_("Bénéficiaires (personnes distinctes)"), t["beneficiaries"]],
        [_("Nouveaux bénéficiaires"), t["new"]],
        [_("Bénéficiaires déjà reconnus avant la période"), t["returning"]],
        [_("Badges reçus dans un passeport"), t["claimed"]],
        [_("Taux de réception (%)"), t["claim_rate"]],
        [_("Badges rendus publics"), t["public"]],
        [_("Taux de badges publics (%)"), t["public_rate"]],
        [_("Badges révoqués"), t["revoked"]],
        [_("Badges partagés (ouverts depuis un lien partagé)"), report.shares["badges"]],
        [_("Ouvertures depuis un lien partagé"), report.shares["opens"]],
        [_("Recommandations reçues"), report.endorsements["total"]],
    ]))
    months = report.months
    sections.append(Section(
        "mois", _("Badges délivrés par mois"), [_("Mois"), _("Badges délivrés"), _("Bénéficiaires")],
        [[row["month"], row["count"], row["beneficiaries"]] for row in months],
        chart=Chart("bar", [f"{row['month']:%m/%Y}" for row in months],
                    [(_("Badges délivrés"), [row["count"] for row in months])]),
    ))
    multi = len(report.scope.issuers) > 1
    sections.append(Section(
        "badges", _("Par badge"), [_("Badge"), _("Structure"), _("Badges délivrés"), _("Bénéficiaires")],
        [[row["badge_class__name"], row["badge_class__issuer__name"], row["count"], row["beneficiaries"]]
         for row in report.by_badge],
        chart=_hbar([f"{row['badge_class__name']}" + (f" ({row['badge_class__issuer__name']})" if multi else "")
                     for row in report.by_badge], [row["count"] for row in report.by_badge], _("Badges délivrés")),
        empty=_("Aucun badge délivré sur cette période."),
    ))
    sections.append(Section(
        "modes", _("Par mode d'obtention"), [_("Mode d'obtention"), _("Badges délivrés"), _("Bénéficiaires")],
        [[row["way"], row["count"], row["beneficiaries"]] for row in report.by_way],
        chart=_hbar([row["way"] for row in report.by_way], [row["count"] for row in report.by_way],
                    _("Badges délivrés")),
    ))
    no_one = _("(automatique ou sans médiateur)")
    sections.append(Section(
        "mediateurs", _("Par médiateur et structure partenaire"),
        [_("Médiateur"), _("Structure"), _("Badges délivrés"), _("Bénéficiaires")],
        [[row["name"] or no_one, row["badge_class__issuer__name"], row["count"], row["beneficiaries"]]
         for row in report.by_mediator],
        chart=_hbar([(row["name"] or no_one) + (f" — {row['badge_class__issuer__name']}" if multi else "")
                     for row in report.by_mediator], [row["count"] for row in report.by_mediator],
                    _("Badges délivrés")),
    ))
    sections.append(Section(
        "structures", _("Par structure"),
        [_("Structure"), _("Commune (code INSEE)"), _("Département"), _("Badges délivrés"), _("Bénéficiaires"),
         _("Reçus dans un passeport"), _("Rendus publics")],
        [[row["badge_class__issuer__name"], row["badge_class__issuer__commune_insee"],
          row["badge_class__issuer__departement"], row["count"], row["beneficiaries"], row["claimed"],
          row["public"]] for row in report.by_issuer],
        chart=_hbar([row["badge_class__issuer__name"] for row in report.by_issuer],
                    [row["count"] for row in report.by_issuer], _("Badges délivrés")) if multi else None,
        total=[_("Total (personnes distinctes)"), "", "", t["issued"], t["beneficiaries"], t["claimed"],
               t["public"]] if multi else None,
        note=_("Une personne reconnue par deux structures compte une fois dans le total.") if multi else "",
    ))
    sections.append(Section(
        "departements", _("Territoires : départements où les badges ont été délivrés"),
        [_("Département"), _("Badges délivrés"), _("Bénéficiaires")],
        [[row["badge_class__issuer__departement"], row["count"], row["beneficiaries"]]
         for row in report.by_departement],
        chart=Chart("map", [row["badge_class__issuer__departement"] for row in report.by_departement],
                    [(_("Badges délivrés"), [row["count"] for row in report.by_departement])]),
        empty=_("Renseignez la commune (code INSEE) des structures pour voir la carte."),
    ))
    if not report.own_activity_only:
        sections.append(Section(
            "parcours", _("Parcours"),
            [_("Parcours"), _("Structure"), _("Personnes inscrites"), _("Parcours terminés (badge-clé)"),
             _("Durée médiane pour terminer (jours)")],
            [[row["name"], row["issuer__name"], row["enrolled"], row["completed"], _days(row["median_days"])]
             for row in report.pathways],
            chart=Chart("hbar", [row["name"] for row in report.pathways][:CHART_ROWS],
                        [(_("Inscrits"), [row["enrolled"] for row in report.pathways][:CHART_ROWS]),
                         (_("Terminés"), [row["completed"] for row in report.pathways][:CHART_ROWS])])
            if report.pathways else None,
            note=_("Inscrits : entrés dans le parcours pendant la période ; terminés : badge-clé obtenu pendant "
                   "la période."),
        ))
        sections.append(Section(
            "etapes", _("Étapes atteintes"), [_("Parcours"), _("Étape"), _("Badge"), _("Personnes")],
            [[row["pathway__name"], row["order"], row["badge_class__name"], row["reached"]] for row in report.steps],
        ))
        sections.append(Section(
            "etapes_a_delai", _("Étapes à délai (IAE)"),
            [_("Parcours"), _("Étape"), _("Délai (jours)"), _("Échues"), _("Confirmées"), _("En retard")],
            [[row["pathway"], row["badge"], row["delay"], row["due"], row["confirmed"], row["late"]]
             for row in report.time_steps],
            note=_("Échues : délai écoulé pendant la période ; en retard : échues depuis plus de 30 jours sans "
                   "confirmation."),
        ))
    a = report.applications
    sections.append(Section("demandes", _("Demandes de badge"), [_("Indicateur"), _("Valeur")], [
        [_("Demandes envoyées"), a["submitted"]],
        [_("Acceptées"), a["accepted"]],
        [_("Refusées"), a["refused"]],
        [_("Compléments de preuve demandés"), a["more_evidence"]],
        [_("En attente d'une décision"), a["pending"]],
        [_("Délai médian avant décision (jours)"), _days(a["median_days"])],
    ]))
    shares = report.shares
    sections.append(Section(
        "partages", _("Badges partagés"), [_("Partagé par"), _("Ouvertures"), _("Badges ouverts")],
        [[row["label"], row["opens"], row["badges"]] for row in shares["by_source"]],
        chart=_hbar([row["label"] for row in shares["by_source"]], [row["opens"] for row in shares["by_source"]],
                    _("Ouvertures")) if shares["opens"] else None,
        total=[_("Total (badges distincts)"), shares["opens"], shares["badges"]],
        note=_("Ouvertures de la page publique d'un badge depuis le lien, le QR code ou le partage LinkedIn de "
               "son titulaire, pendant la période. Comptées par jour, sans adresse IP ni cookie ; les robots "
               "sont ignorés et un badge compte au plus une ouverture par source et par quart d'heure."),
    ))
    e = report.endorsements
    sections.append(Section("recommandations", _("Recommandations reçues"), [_("Indicateur"), _("Valeur")], [
        [_("Recommandations publiées"), e["total"]],
        [_("sur un badge"), e["badges"]],
        [_("sur la structure"), e["issuers"]],
        [_("sur un badge délivré"), e["assertions"]],
        [_("Organisations qui recommandent"), e["endorsers"]],
    ]))
    sections.append(Section(
        "thematiques", _("Thématiques de la Coop de la médiation numérique"),
        [_("Code Coop"), _("Thématique"), _("Badges délivrés"), _("Bénéficiaires")],
        [[row["code"], row["label"], row["count"], row["beneficiaries"]] for row in report.by_thematique],
        chart=_hbar([row["label"] for row in report.by_thematique], [row["count"] for row in report.by_thematique],
                    _("Badges délivrés")),
        note=_("Un badge peut relever de plusieurs thématiques."),
        empty=_("Aucun badge délivré n'est rattaché à une thématique de la Coop."),
    ))
    sections.append(Section(
        "autonomie", _("Niveau d'autonomie reconnu (Coop)"),
        [_("Code Coop"), _("Niveau d'autonomie"), _("Badges délivrés"), _("Bénéficiaires")],
        [[row["code"], row["label"], row["count"], row["beneficiaries"]] for row in report.by_autonomie],
        chart=_hbar([row["label"] for row in report.by_autonomie], [row["count"] for row in report.by_autonomie],
                    _("Badges délivrés")),
        empty=_("Aucun badge délivré n'indique de niveau d'autonomie."),
    ))
    return sections


# A bar chart stays readable on a phone: it draws the first rows, the table holds them all.
CHART_ROWS = 15


def _hbar(labels: list[str], values: list, legend: str) -> Chart | None:
    return Chart("hbar", labels[:CHART_ROWS], [(legend, values[:CHART_ROWS])]) if labels else None
