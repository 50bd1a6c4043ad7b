"""Give every existing endorser its key and sign the OB 3.0 EndorsementCredential of
every endorsement still published (new ones get both from the services)."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    from endorsements import documents
    from issuers.keystore import generate_key_pair

    Endorser = apps.get_model("endorsements", "Endorser")
    EndorserKey = apps.get_model("endorsements", "EndorserKey")
    Endorsement = apps.get_model("endorsements", "Endorsement")
    now = timezone.now()
    keys = {}
    for endorser in Endorser.objects.all():
        key = EndorserKey.objects.filter(endorser=endorser, retired_at__isnull=True).order_by("-created_at").first()
        if key is None:
            public_pem, private_encrypted = generate_key_pair("Ed25519")
            key = EndorserKey.objects.create(endorser=endorser, public_key_pem=public_pem,
                                             private_key_encrypted=private_encrypted, created_at=now)
        keys[endorser.pk] = key
    published = Endorsement.objects.filter(withdrawn_at__isnull=True, ob3_credential__isnull=True).select_related(
        "endorser", "badge_class", "issuer", "assertion")
    for endorsement in published:
        endorsement.ob3_credential = documents.signed_endorsement_credential(
            endorsement, keys[endorsement.endorser_id], now)
        endorsement.save(update_fields=["ob3_credential"])


class Migration(migrations.Migration):
    dependencies = [("endorsements", "0003_endorser_keys_and_ob3_credentials")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
