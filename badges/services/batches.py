"""Issuing to several people at once: a typed list of recipients, or a CSV file
checked row by row before anything is issued and then issued by a worker."""

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from badgehub import csv_safe
from badges import selectors
from badges.models import Assertion, BadgeClass, IssueBatch
from badges.services.issuing import EvidenceInput, IssueRow, assertion_issue, assertions_issue_bulk
from badges.services.queueing import task_queue
from badges.services.uploads import CheckedFile, upload_validate
from issuers.audit.models import AuditEvent
from issuers.audit.services import audit_record

MAX_CSV_ROWS = 20_000
# Small enough that the finalise and e-mail tasks of a chunk keep every worker
# process busy while the next chunk is issued; large enough to batch the queries.
CHUNK_SIZE = 50


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""


_ANGLE = re.compile(r"^\s*(?P<name>.*?)\s*<\s*(?P<email>[^<>\s]+)\s*>\s*$")


def recipients_parse(text: str) -> tuple[list[Recipient], list[str]]:
    """One recipient per line: ``Name <email>``, ``Name, email``, ``Name; email`` or ``email``.

    Returns the recipients and a French error per bad line; a repeated e-mail is kept once.
    """
    recipients: list[Recipient] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _ANGLE.match(line)
        if match:
            name, email = match["name"].strip(" ,;\"'"), match["email"]
        else:
            parts = [p.strip() for p in re.split(r"[;,\t]", line) if p.strip()]
            emails = [p for p in parts if "@" in p]
            if len(emails) != 1:
                errors.append(_("Ligne %(n)d : aucune adresse e-mail reconnue (« %(line)s »).") % {"n": number,
                                                                                                 "line": line})
                continue
            email = emails[0]
            name = " ".join(p for p in parts if p != email)
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Ligne %(n)d : adresse e-mail invalide (« %(email)s »).") % {"n": number, "email": email})
            continue
        if email in seen:
            continue
        seen.add(email)
        recipients.append(Recipient(email=email, name=name))
    return recipients, errors


def issued_on_from_date(day: date | None) -> datetime:
    """Today means now; an earlier day (observed last week) means that day at noon."""
    now = timezone.now()
    if day is None or day >= timezone.localdate():
        return now
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@transaction.atomic
def assertion_issue_many(
    *,
    badge_class: BadgeClass,
    recipients: Sequence[Recipient],
    issued_by: AbstractBaseUser,
    narrative: str = "",
    evidence: EvidenceInput | None = None,
    issued_on: date | None = None,
    idempotency_token: str = "",
) -> list[Assertion]:
    """Issue the same badge to several people, all or nothing.

    With an ``idempotency_token`` (one per partner-form draft), the same call made
    again, even at the same time, returns the badges issued by the first.
    """
    if not recipients:
        raise ValidationError(_("Indiquez au moins une personne."))
    file_bytes = None
    if evidence is not None and evidence.file is not None:
        checked = upload_validate(upload=evidence.file)  # once for the group, not once per person
        file_bytes, file_name = checked.read(), checked.name
    given_name = (evidence.file_name or getattr(evidence.file, "name", "")) if evidence is not None else ""
    moment = issued_on_from_date(issued_on)
    issued = []
    for recipient in recipients:
        items: list[EvidenceInput] = []
        if evidence is not None:
            # Each assertion owns its own copy of the file (deleting one never breaks another).
            copy = CheckedFile(file_bytes, name=file_name) if file_bytes is not None else None
            items.append(EvidenceInput(narrative=evidence.narrative, url=evidence.url, name=evidence.name,
                                       genre=evidence.genre, file=copy, file_name=given_name))
        issued.append(
            assertion_issue(
                badge_class=badge_class,
                recipient_email=recipient.email,
                recipient_name=recipient.name,
                issued_by=issued_by,
                via=Assertion.Via.MEDIATOR,
                narrative=narrative,
                evidence=items,
                issued_on=moment,
                idempotency_key=_form_key(badge_class, idempotency_token, recipient.email),
            )
        )
    return issued


def _form_key(badge_class: BadgeClass, token: str, email: str) -> str | None:
    if not token:
        return None
    digest = hashlib.sha256(f"{badge_class.pk}|{token}|{email.strip().lower()}".encode()).hexdigest()
    return f"form:{digest}"


# --- CSV ---------------------------------------------------------------------------------------

def _normalise_header(value: str) -> str:
    value = unicodedata.normalize("NFKD", value.strip().lower())
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"[\s_\-'’]+", " ", value).strip()


HEADERS = {
    "name": {"name", "nom", "nom complet", "nom et prenom", "prenom et nom", "prenom nom", "beneficiaire",
             "full name"},
    "first_name": {"prenom", "first name"},
    "email": {"email", "e mail", "mail", "courriel", "adresse e mail", "adresse mail", "adresse electronique"},
    "narrative": {"narrative", "observation", "commentaire", "observations"},
    "evidence_url": {"evidence url", "evidence", "preuve", "lien", "lien preuve", "lien de la preuve", "url"},
    "issued_on": {"issued on", "date", "date de delivrance", "delivre le", "date d obtention"},
}
_HEADER_LOOKUP = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
# Columns of our own rejected-rows file: a corrected file goes back in without a warning.
_OWN_EXPORT_COLUMNS = {"ligne", "motif"}
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in French saves "CSV (séparateur : point-virgule)" in Windows-1252.
        return data.decode("cp1252", errors="replace")


def _parse_date(value: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def row_idempotency_key(*, badge_class_id: int, email: str, issued_on: str) -> str:
    digest = hashlib.sha256(f"{email.lower()}|{issued_on}".encode()).hexdigest()
    return f"batch:{badge_class_id}:{digest}"


@dataclass
class CsvReport:
    rows: list[dict]
    rejected: list[dict]
    warnings: list[str]


def csv_check(*, badge_class: BadgeClass, data: bytes) -> CsvReport:
    """Check every row before anything is issued. One query for current holders."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(_("Le fichier est vide."))
    columns: dict[int, str] = {}
    warnings: list[str] = []
    for index, title in enumerate(header):
        key = _HEADER_LOOKUP.get(_normalise_header(title))
        if key is None:
            if title.strip() and _normalise_header(title) not in _OWN_EXPORT_COLUMNS:
                warnings.append(_("Colonne inconnue « %(col)s » : elle est ignorée.") % {"col": title.strip()})
            continue
        columns[index] = key
    if "email" not in columns.values():
        raise ValidationError(
            _("Aucune colonne d'adresse e-mail trouvée. La première ligne doit contenir les titres des colonnes, "
              "par exemple : nom;e-mail;observation;date")
        )
    candidates: list[dict] = []
    rejected: list[dict] = []
    url_validator = URLValidator(schemes=["http", "https"])
    today = timezone.localdate()
    seen: dict[str, int] = {}
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(candidates) + len(rejected) >= MAX_CSV_ROWS:
            raise ValidationError(_("Le fichier dépasse %(max)d lignes : découpez-le.") % {"max": MAX_CSV_ROWS})
        values = {key: "" for key in HEADERS}
        for index, key in columns.items():
            if index < len(cells):
                # A file we exported (the rejected rows) comes back with our quotes before formulas.
                values[key] = csv_safe.read_cell(cells[index].strip()).strip()
        name = " ".join(part for part in (values["first_name"], values["name"]) if part)
        row = {"line": line_number, "name": name, "email": values["email"].lower(), "narrative": values["narrative"],
               "evidence_url": values["evidence_url"], "issued_on": values["issued_on"]}
        reasons = []
        try:
            validate_email(row["email"])
        except ValidationError:
            reasons.append(_("adresse e-mail invalide") if row["email"] else _("adresse e-mail manquante"))
        if values["evidence_url"]:
            try:
                url_validator(values["evidence_url"])
            except ValidationError:
                reasons.append(_("lien de preuve invalide"))
        if values["issued_on"]:
            try:
                day = _parse_date(values["issued_on"])
            except ValueError:
                reasons.append(_("date illisible (attendu : JJ/MM/AAAA)"))
            else:
                if day > today:
                    reasons.append(_("date dans le futur"))
                else:
                    row["issued_on"] = day.isoformat()
        if not reasons and row["email"] in seen:
            reasons.append(_("ligne en double (même e-mail que la ligne %(n)d)") % {"n": seen[row["email"]]})
        if reasons:
            rejected.append({**row, "reasons": reasons})
        else:
            seen[row["email"]] = line_number
            candidates.append(row)
    holders = set(
        Assertion.objects.valid()
        .filter(badge_class=badge_class, recipient_email__in=[row["email"] for row in candidates])
        .values_list("recipient_email", flat=True)
    )
    rows = []
    for row in candidates:
        if row["email"] in holders:
            rejected.append({**row, "reasons": [_("possède déjà ce badge")]})
        else:
            rows.append(row)
    rejected.sort(key=lambda row: row["line"])
    return CsvReport(rows=rows, rejected=rejected, warnings=warnings)


@transaction.atomic
def batch_create(*, badge_class: BadgeClass, created_by: AbstractBaseUser, data: bytes, source_name: str = "",
                 narrative: str = "") -> IssueBatch:
    """Check a CSV file and keep the result, waiting for the mediator's confirmation."""
    if not selectors.user_can_issue(user=created_by, badge_class=badge_class):
        raise PermissionDenied(_("Vous n'êtes pas habilité à délivrer ce badge."))
    report = csv_check(badge_class=badge_class, data=data)
    batch = IssueBatch(
        badge_class=badge_class,
        created_by=created_by,
        source_name=source_name[:255],
        source_sha256=hashlib.sha256(data).hexdigest(),
        rows=report.rows,
        rejected=report.rejected,
        warnings=report.warnings,
        narrative=narrative,
        total=len(report.rows),
    )
    # An empty list is a valid result (nothing rejected), not a missing value.
    batch.full_clean(exclude=["rows", "rejected", "warnings"])
    batch.save()
    return batch


@transaction.atomic
def batch_create_from_rows(*, badge_class: BadgeClass, created_by: AbstractBaseUser, rows: list[dict],
                           narrative: str = "", source_name: str = "") -> IssueBatch:
    """A batch from rows already checked (the API's), started at once: the same worker
    machinery as a CSV file. Each row: email, name, narrative, evidence_url, issued_on
    (ISO day or ""), and optionally its idempotency_key."""
    if not selectors.user_can_issue(user=created_by, badge_class=badge_class):
        raise PermissionDenied(_("Vous n'êtes pas habilité à délivrer ce badge."))
    if not badge_class.issuable_by_mediator or badge_class.archived:
        raise ValidationError(_("Ce badge ne peut pas être obtenu de cette façon."))
    batch = IssueBatch(badge_class=badge_class, created_by=created_by, source_name=source_name[:255], rows=rows,
                       rejected=[], warnings=[], narrative=narrative, total=len(rows))
    batch.full_clean(exclude=["rows", "rejected", "warnings"])
    batch.save()
    return batch_start(batch=batch, started_by=created_by)


@transaction.atomic
def batch_start(*, batch: IssueBatch, started_by: AbstractBaseUser) -> IssueBatch:
    from badges.tasks import run_issue_batch

    batch = IssueBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (IssueBatch.Status.CHECKED, IssueBatch.Status.FAILED) and not batch_is_stalled(batch):
        return batch  # a double click, or a reload of the confirmation
    if not batch.rows:
        raise ValidationError(_("Aucune ligne valide à délivrer."))
    if not selectors.user_can_issue(user=started_by, badge_class=batch.badge_class):
        raise PermissionDenied(_("Vous n'êtes pas habilité à délivrer ce badge."))
    # A batch that stopped resumes: its committed chunks are not issued again.
    batch.status = IssueBatch.Status.QUEUED
    batch.total = len(batch.rows)
    batch.error, batch.finished_at, batch.progressed_at = "", None, timezone.now()
    batch.save(update_fields=["status", "total", "error", "finished_at", "progressed_at"])
    audit_record(action=AuditEvent.Action.BATCH_STARTED, actor=started_by, issuer=batch.badge_class.issuer,
                 object_type="issue_batch", object_id=batch.public_id,
                 object_label=f"{batch.badge_class.name} — {batch.source_name}".rstrip(" —"), count=batch.total,
                 details={"badge_class": str(batch.badge_class.public_id), "rejected": len(batch.rejected),
                          "already_done": batch.done})
    task_queue(run_issue_batch, batch.pk)
    return batch


def batch_is_stalled(batch: IssueBatch) -> bool:
    """Queued or running, and no chunk committed for a while: its worker died (or its
    task was lost with the broker). Starting it again issues only what is missing."""
    if batch.status not in (IssueBatch.Status.QUEUED, IssueBatch.Status.RUNNING):
        return False
    moved = batch.progressed_at or batch.started_at or batch.created_at
    return (timezone.now() - moved).total_seconds() > settings.BADGEHUB_STALLED_AFTER_SECONDS


def _issue_chunk(*, batch: IssueBatch, rows: Iterable[dict]) -> int:
    """Issue one chunk in bulk, signed and baked here; returns how many rows were already issued (skipped)."""
    items = []
    for row in rows:
        day = date.fromisoformat(row["issued_on"]) if row["issued_on"] else None
        items.append(IssueRow(
            recipient_email=row["email"],
            recipient_name=row["name"],
            narrative=row["narrative"] or batch.narrative,
            evidence=(EvidenceInput(url=row["evidence_url"], name=_("Preuve")),) if row["evidence_url"] else (),
            issued_on=issued_on_from_date(day),
            # Rows from the API bring their caller's key; CSV rows get one from what they say.
            idempotency_key=row.get("idempotency_key") or row_idempotency_key(
                badge_class_id=batch.badge_class_id, email=row["email"], issued_on=row["issued_on"]),
        ))
    _issued, skipped = assertions_issue_bulk(badge_class=batch.badge_class, rows=items, issued_by=batch.created_by,
                                             via=Assertion.Via.MEDIATOR, finalise_here=True,
                                             audit_details={"batch": str(batch.public_id)})
    return skipped


def batch_chunks(batch: IssueBatch) -> list[int]:
    """Offsets of the chunks still to issue."""
    done = set(batch.chunks_done)
    return [offset for offset in range(0, len(batch.rows), CHUNK_SIZE) if offset not in done]


def batch_run(*, batch_id: int) -> list[tuple[int, list[dict]]]:
    """Start a confirmed batch; returns its chunks not issued yet, as (offset, rows).

    The task queues one task per chunk, which every worker process runs in
    parallel. Running it again (a retry, a restarted worker) returns only the
    chunks not committed yet; a chunk delivered twice is issued once (see
    ``batch_chunk_run``).
    """
    batch = IssueBatch.objects.get(pk=batch_id)
    if batch.status in (IssueBatch.Status.DONE, IssueBatch.Status.CHECKED, IssueBatch.Status.FAILED):
        return []
    if batch.status != IssueBatch.Status.RUNNING:
        now = timezone.now()
        IssueBatch.objects.filter(pk=batch.pk).update(status=IssueBatch.Status.RUNNING, started_at=now,
                                                      progressed_at=now)
    offsets = batch_chunks(batch)
    if not offsets:
        _batch_finish_if_complete(batch_id=batch.pk)
    # The rows travel with each chunk: a chunk never reloads the whole file.
    return [(offset, batch.rows[offset:offset + CHUNK_SIZE]) for offset in offsets]


class _ChunkAlreadyDone(Exception):
    pass


def batch_chunk_run(*, batch_id: int, offset: int, rows: list[dict]) -> bool:
    """Issue one chunk of a running batch and count it, in one transaction.

    Returns False when there was nothing to do (the batch stopped, or this chunk
    was committed already). The ``done`` counter moves with the badges it counts,
    so the progress page reads the truth and a dead worker loses nothing.
    """
    batch = IssueBatch.objects.select_related("badge_class__issuer", "created_by").defer("rows").get(pk=batch_id)
    if batch.status != IssueBatch.Status.RUNNING or offset in batch.chunks_done:
        return False
    try:
        with transaction.atomic():
            if not _chunk_lock(batch_id, offset):
                # The same chunk is being issued by another worker (delivered twice, or
                # queued again by the sweeper): it commits it, or the sweeper tries again.
                raise _ChunkAlreadyDone
            skipped = _issue_chunk(batch=batch, rows=rows)
            # Locked last, briefly: the other workers sign their chunks meanwhile.
            locked = IssueBatch.objects.select_for_update().only("chunks_done", "status").get(pk=batch_id)
            if offset in locked.chunks_done or locked.status != IssueBatch.Status.RUNNING:
                raise _ChunkAlreadyDone
            IssueBatch.objects.filter(pk=batch_id).update(
                chunks_done=[*locked.chunks_done, offset], done=F("done") + len(rows), skipped=F("skipped") + skipped,
                progressed_at=timezone.now(),
            )
    except _ChunkAlreadyDone:
        return False
    _batch_finish_if_complete(batch_id=batch_id)
    return True


def _chunk_lock(batch_id: int, offset: int) -> bool:
    """Take this chunk for the current transaction; False if another transaction has it."""
    if connection.vendor != "postgresql":
        return True  # the embedded default runs tasks one at a time
    with connection.cursor() as cursor:
        # The two-key form (batch, offset): no other advisory lock of ours uses it.
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s::int4, %s::int4)", [batch_id, offset])
        return cursor.fetchone()[0]


def _batch_finish_if_complete(*, batch_id: int) -> None:
    with transaction.atomic():
        batch = IssueBatch.objects.select_for_update().only("chunks_done", "total", "status").get(pk=batch_id)
        chunks = -(-batch.total // CHUNK_SIZE)
        if batch.status == IssueBatch.Status.RUNNING and len(batch.chunks_done) >= chunks:
            IssueBatch.objects.filter(pk=batch_id).update(status=IssueBatch.Status.DONE, finished_at=timezone.now())


def batch_fail(*, batch_id: int, error: str) -> None:
    IssueBatch.objects.filter(pk=batch_id).exclude(status=IssueBatch.Status.DONE).update(
        status=IssueBatch.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def batch_rejected_csv(*, batch: IssueBatch) -> str:
    """The rejected rows with their reasons, to fix and upload again (Excel-friendly: ``;`` and BOM)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_safe.writer(out, delimiter=";")
    writer.writerow(["ligne", "nom", "e-mail", "observation", "lien de la preuve", "date", "motif"])
    for row in batch.rejected:
        writer.writerow([row["line"], row["name"], row["email"], row["narrative"], row["evidence_url"],
                         row["issued_on"], " ; ".join(row["reasons"])])
    return out.getvalue()
