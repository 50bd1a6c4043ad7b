"""Every CSV export is opened in Excel or LibreOffice: a cell starting with = + - @
(or a tab / carriage return) must show as text, never run as a formula."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from badgehub.csv_safe import read_cell, safe_cell
from badges.models import ImportedBadge
from badges.services import batch_create, csv_check
from tests.factories import AssertionFactory, BadgeClassFactory

pytestmark = pytest.mark.django_db

# What an attacker (or an innocent bullet list) types, one per trigger character.
HOSTILE = ['=HYPERLINK("https://evil.example","clic")', "+33 6 00 00 00 00", "-A envoyé un mail", "@SUM(1+1)",
           "\t=1+1", "\r=1+1"]


def cells(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def assert_all_quoted(rows: list[list[str]], values) -> None:
    found = {cell for row in rows for cell in row}
    for value in values:
        assert value not in found, f"{value!r} written as it is"
        assert "'" + value in found, f"{value!r} not written as text"


def test_the_rejected_rows_csv_writes_formulas_as_text(client, mediator, badge_class):
    lines = "".join(f"{name};pas-une-adresse;{name};;\n" for name in HOSTILE if "\r" not in name)
    data = ("nom;e-mail;observation;lien;date\n" + lines + '"\r=1+1";x;;;\n').encode()
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=data)
    client.force_login(mediator)
    response = client.get(reverse("partner:batch_rejected", kwargs={"public_id": batch.public_id}))
    rows = cells(response.content.decode("utf-8-sig"))
    # Stripped on import, the tab and CR cells arrive as "=1+1": quoted all the same.
    assert_all_quoted(rows, [value.strip() for value in HOSTILE])


def test_the_rejected_rows_csv_uploaded_again_keeps_the_text_as_it_was_typed(client, mediator, badge_class):
    data = "nom;e-mail;observation\n=Dupont;dupont@;-A envoyé un mail seul\n'Ana;ana@;'=cité\n".encode()
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=data)
    client.force_login(mediator)
    exported = client.get(reverse("partner:batch_rejected", kwargs={"public_id": batch.public_id}))
    fixed = exported.content.decode("utf-8-sig").replace("dupont@", "dupont@example.org") \
        .replace("ana@", "ana@example.org")
    report = csv_check(badge_class=badge_class, data=fixed.encode())
    assert [(row["name"], row["narrative"]) for row in report.rows] == [
        ("=Dupont", "-A envoyé un mail seul"),
        # A quote the person typed themselves stays: only ours (before a trigger) is taken off.
        ("'Ana", "=cité"),
    ]


def test_the_activity_report_csv_writes_formulas_as_text(client, issuer, owner):
    for index, name in enumerate(HOSTILE):
        AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer, name=name), recipient_email=f"p{index}@x.org")
    client.force_login(owner)
    response = client.get(reverse("reports:issuer", kwargs={"public_id": issuer.public_id}),
                          {"format": "csv"})
    assert_all_quoted(cells(response.content.decode("utf-8-sig")), HOSTILE)


def test_my_data_badges_csv_writes_formulas_as_text(client, beneficiary, issuer):
    for name in HOSTILE[:3]:
        AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer, name=name), recipient_email=beneficiary.email,
                         recipient_user=beneficiary)
    for index, name in enumerate(HOSTILE[3:]):
        ImportedBadge.objects.create(
            user=beneficiary, recipient_email=beneficiary.email, document_id=f"https://ailleurs.example/{index}",
            badge_name=name, issuer_name=name, version="ob2", source=ImportedBadge.Source.JSON,
            original_document={"id": f"https://ailleurs.example/{index}"}, verified_status="valid")
    client.force_login(beneficiary)
    response = client.post(reverse("wallet:my_data"), {"export-confirm": "on"})
    listing = zipfile.ZipFile(io.BytesIO(response.content)).read("badges.csv").decode()
    assert_all_quoted(cells(listing, ","), HOSTILE)


def test_numbers_and_plain_text_are_left_as_they_are():
    assert safe_cell(-3) == -3 and safe_cell("Sam") == "Sam" and safe_cell("") == ""
    assert read_cell(safe_cell("=1+1")) == "=1+1" and read_cell("'Sam") == "'Sam"
