from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from badgehub.uploads import LOGO, CheckedUploadsForm
from endorsements import services
from endorsements.models import Endorsement, EndorsementInvitation, Endorser, EndorserKey


class EndorserKeyInline(admin.TabularInline):
    model = EndorserKey
    extra = 0
    can_delete = False
    fields = ["public_id", "created_at", "retired_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EndorserForm(CheckedUploadsForm):
    checked_uploads = {"image": LOGO}


@admin.register(Endorser)
class EndorserAdmin(admin.ModelAdmin):
    form = EndorserForm
    list_display = ["name", "email", "url", "created_at"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["members"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [EndorserKeyInline]


@admin.register(EndorserKey)
class EndorserKeyAdmin(admin.ModelAdmin):
    list_display = ["endorser", "created_at", "retired_at", "revoked_at"]
    list_filter = ["endorser"]
    search_fields = ["endorser__name", "public_id"]
    # The private key is never shown nor editable; only a rotation or a compromise can be recorded.
    fields = ["public_id", "endorser", "public_key_pem", "created_at", "retired_at", "revoked_at",
              "revocation_reason"]
    readonly_fields = fields
    actions = ["rotate", "mark_compromised"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted key would make every endorsement it signed fail: retire or revoke it instead.
        return False

    @admin.action(description=_("Remplacer par une nouvelle clé (rotation)"))
    def rotate(self, request, queryset) -> None:
        endorsers = {key.endorser for key in queryset.filter(retired_at__isnull=True).select_related("endorser")}
        for endorser in endorsers:
            services.endorser_key_rotate(endorser=endorser, by=request.user)
        self.message_user(request, _("Nouvelles clés créées ; les anciennes restent publiées."), messages.SUCCESS)

    @admin.action(description=_("Déclarer compromise (les recommandations signées après aujourd'hui échouent)"))
    def mark_compromised(self, request, queryset) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            services.endorser_key_revoke(key=key, reason=str(_("Déclarée compromise depuis l'administration")),
                                         by=request.user)
        self.message_user(request, _("Clés déclarées compromises et remplacées."), messages.WARNING)


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
        services.endorsement_admin_saved(endorsement=obj, by=request.user, created=not change,
                                         changed_fields=set(form.changed_data))
