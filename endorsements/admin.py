from django.contrib import admin

from endorsements.models import Endorsement, EndorsementInvitation, Endorser


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
