from django.contrib import admin

from endorsements.models import Endorsement, EndorsementInvitation, Endorser
from endorsements.services import endorsement_sign

# What the signed EndorsementCredential says: changing one of these signs it again.
SIGNED_FIELDS = {"endorser", "statement", "created_at", "badge_class", "issuer", "assertion"}


@admin.register(Endorser)
class EndorserAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "url", "created_at"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["members"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(EndorsementInvitation)
class EndorsementInvitationAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "email", "target", "created_at", "expires_at", "accepted_at"]
    list_filter = ["accepted_at"]
    search_fields = ["organisation_name", "email"]
    autocomplete_fields = ["badge_class", "issuer", "invited_by", "endorser"]
    raw_id_fields = ["assertion"]
    readonly_fields = ["public_id", "token", "created_at", "accepted_at"]


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["endorser", "target", "created_at", "withdrawn_at"]
    list_filter = ["withdrawn_at", "endorser"]
    search_fields = ["endorser__name", "statement"]
    autocomplete_fields = ["endorser", "badge_class", "issuer"]
    raw_id_fields = ["assertion"]
    readonly_fields = ["public_id"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if obj.withdrawn_at is None and (obj.ob3_credential is None or SIGNED_FIELDS & set(form.changed_data)):
            endorsement_sign(endorsement=obj)
