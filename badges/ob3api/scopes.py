"""The four scopes of the Open Badges 3.0 API (OB 3.0 §6.2.1)."""

from django.conf import settings

CREDENTIAL_READ = settings.OB3_SCOPE + "credential.readonly"
CREDENTIAL_UPSERT = settings.OB3_SCOPE + "credential.upsert"
PROFILE_READ = settings.OB3_SCOPE + "profile.readonly"
PROFILE_UPDATE = settings.OB3_SCOPE + "profile.update"
ALL_SCOPES = (CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE)
