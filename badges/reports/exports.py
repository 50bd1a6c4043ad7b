"""The report's exports: CSV and XLSX of exactly the sections the page shows, and the
anonymised figures for the Coop de la médiation numérique. Every cell goes through
badgehub.csv_safe, so a badge or structure name cannot become a spreadsheet formula."""

import io
import re
from datetime import date

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from badgehub import csv_safe
from badges.reports.access import Scope
from badges.reports.figures import COOP_SMALL_COUNT, Report
from badges.reports.filters import Filters
from badges.reports.sections import Section

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COOP_COLUMNS = ["date", "lieu_code_insee", "structure_code_departement", "thematique", "autonomie",
                "badges_delivres", "beneficiaires"]


def _filename(title: str, filters: Filters, ext: str, prefix: str = "bilan") -> str:
    return f"{prefix}-{slugify(title)[:60]}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{ext}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_value(value):
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")  # French spreadsheets read a decimal comma
    return value


def report_csv(report: Report, sections: list[Section]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # Excel opens UTF-8 with accents correctly
    writer = csv_safe.writer(response, delimiter=";")
    writer.writerow([_("Bilan d'activité"), report.scope.title])
    for label, value in report.filters.describe():
        writer.writerow([label, value])
    for section in sections:
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.columns)
        for row in section.all_rows:
            writer.writerow([_csv_value(value) for value in row])
    return _attachment(response, _filename(report.scope.title, report.filters, "csv"))


def _sheet_title(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", title).strip()[:31].strip()
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def report_xlsx_bytes(report: Report, sections: list[Section]) -> bytes:
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)

    def header(sheet, values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=csv_safe.safe_cell(value))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    sheet = workbook.create_sheet(_sheet_title(_("Filtres"), taken))
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 50
    header(sheet, [_("Filtre"), _("Valeur")])
    sheet.append([csv_safe.safe_cell(_("Bilan d'activité")), csv_safe.safe_cell(report.scope.title)])
    for label, value in report.filters.describe():
        sheet.append([csv_safe.safe_cell(label), csv_safe.safe_cell(value)])
    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(section.title, taken))
        for index, _column in enumerate(section.columns):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 40 if index == 0 else 18
        header(sheet, section.columns)
        for row in section.all_rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=csv_safe.safe_cell(None if value == "" else value))
                if isinstance(value, date):
                    cell.number_format = "mm/yyyy"
                elif isinstance(value, float):
                    cell.number_format = "0.0"
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_xlsx(report: Report, sections: list[Section]) -> HttpResponse:
    response = HttpResponse(report_xlsx_bytes(report, sections), content_type=XLSX)
    return _attachment(response, _filename(report.scope.title, report.filters, "xlsx"))


def coop_csv(scope: Scope, filters: Filters, rows: list[dict]) -> HttpResponse:
    """Aggregated figures only, under the Coop's own field names and codes; lines about
    fewer than COOP_SMALL_COUNT people give no figure (statistical secrecy)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv_safe.writer(response)
    writer.writerow(COOP_COLUMNS)
    for row in rows:
        values = {**row, "date": row["date"].isoformat()}
        if row["secret"]:
            values.update(badges_delivres="", beneficiaires=f"< {COOP_SMALL_COUNT}")
        writer.writerow([values[column] for column in COOP_COLUMNS])
    return _attachment(response, _filename(scope.title, filters, "csv", prefix="coop"))
