from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from badgehub.uploads import BADGE_IMAGE, EVIDENCE, CheckedUploadsForm
from badges import services
from badges.coop import Thematique
from badges.models import Alignment, Application, Assertion, BadgeClass, EmailAddress, Evidence, OutgoingEmail
from badges.wallets.models import WalletDelivery


class AlignmentInline(admin.TabularInline):
    model = Alignment
    extra = 0


class BadgeClassForm(CheckedUploadsForm):
    checked_uploads = {"image": BADGE_IMAGE}
    coop_thematiques = forms.MultipleChoiceField(
        label=_("thématiques (Coop de la médiation numérique)"), choices=Thematique.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class EvidenceForm(CheckedUploadsForm):
    checked_uploads = {"file": EVIDENCE}


@admin.register(BadgeClass)
class BadgeClassAdmin(admin.ModelAdmin):
    form = BadgeClassForm
    list_display = ["name", "issuer", "issuable_by_mediator", "requestable", "self_issuable", "automatic", "archived"]
    list_filter = ["issuer", "archived", "requestable", "self_issuable", "automatic"]
    search_fields = ["name", "description", "issuer__name"]
    autocomplete_fields = ["issuer", "required_badge", "reviewers"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [AlignmentInline]
    fieldsets = [
        (None, {"fields": ["public_id", "issuer", "name", "description", "image", "tags"]}),
        (_("Critères et preuves"), {"fields": ["criteria_narrative", "criteria_url", "evidence_guidance",
                                               "application_questions", "evidence_required"]}),
        (_("Modes d'obtention"), {"fields": ["issuable_by_mediator", "requestable", "self_issuable", "automatic",
                                             "issued_by_staff_only", "required_badge", "reviewers"]}),
        (_("Validité"), {"fields": ["validity_days", "archived", "created_at"]}),
        (_("Coop de la médiation numérique"), {"fields": ["coop_thematiques", "coop_autonomie"]}),
    ]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = EvidenceForm
    extra = 0
    fields = ["name", "narrative", "url", "file", "genre"]


class BakeStateFilter(admin.SimpleListFilter):
    title = _("signature et cuisson")
    parameter_name = "bake"

    def lookups(self, request, model_admin):
        return [("done", _("terminées")), ("pending", _("en attente")), ("failed", _("en échec"))]

    def queryset(self, request, queryset):
        if self.value() == "done":
            return queryset.filter(baked_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(baked_at__isnull=True, bake_error="")
        if self.value() == "failed":
            return queryset.filter(baked_at__isnull=True).exclude(bake_error="")
        return queryset


@admin.register(Assertion)
class AssertionAdmin(admin.ModelAdmin):
    list_display = ["badge_class", "recipient_name", "recipient_email", "issued_on", "issued_via", "revoked",
                    "visibility"]
    list_filter = ["issued_via", "revoked", "visibility", "badge_class__issuer", BakeStateFilter, "badge_class"]
    search_fields = ["recipient_email", "recipient_name", "badge_class__name", "public_id"]
    autocomplete_fields = ["badge_class", "recipient_user", "issued_by"]
    date_hierarchy = "issued_on"
    readonly_fields = ["public_id", "salt", "claim_token", "claimed_at", "declined_at", "revoked", "revoked_at",
                       "revocation_reason", "signing_key_ed25519", "signing_key_rsa", "ob2_jws", "ob3_credential",
                       "ob3_jwt", "baked_png", "baked_svg", "baked_at", "bake_error", "idempotency_key", "created_at"]
    inlines = [EvidenceInline]
    actions = ["revoke", "finalise_again"]

    def has_add_permission(self, request) -> bool:
        # Issuing goes through the partner form so that every rule applies.
        return False

    @admin.action(description=_("Révoquer (motif : décision de l'administration)"))
    def revoke(self, request, queryset) -> None:
        for assertion in queryset.filter(revoked=False):
            services.assertion_revoke(assertion=assertion, reason=str(_("Décision de l'administration du réseau")),
                                      revoked_by=request.user)
        self.message_user(request, _("Badges révoqués."), messages.SUCCESS)

    @admin.action(description=_("Relancer la signature et la cuisson"))
    def finalise_again(self, request, queryset) -> None:
        for assertion in queryset.filter(baked_at__isnull=True):
            services.assertion_finalise_queue(assertion=assertion)
        self.message_user(request, _("Signature et cuisson relancées."), messages.SUCCESS)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant_name", "badge_class", "status", "submitted_at", "reviewer"]
    list_filter = ["status", "badge_class__issuer", "badge_class"]
    search_fields = ["applicant_name", "applicant_email", "badge_class__name"]
    autocomplete_fields = ["badge_class", "applicant", "reviewer"]
    readonly_fields = ["public_id", "access_token", "created_at", "updated_at", "submitted_at", "decided_at",
                       "assertion"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    form = EvidenceForm
    list_display = ["__str__", "assertion", "application", "genre", "created_at"]
    search_fields = ["name", "narrative", "url"]
    raw_id_fields = ["assertion", "application"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(EmailAddress)
class EmailAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "verified_at", "primary"]
    list_filter = ["primary"]
    search_fields = ["email", "user__username"]
    autocomplete_fields = ["user"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "template", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template", "issuer"]
    search_fields = ["to", "subject"]
    readonly_fields = ["to", "template", "context", "subject", "status", "attempts", "last_error", "issuer",
                       "assertion", "created_at", "sent_at"]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Renvoyer"))
    def resend(self, request, queryset) -> None:
        for email in queryset:
            services.email_resend(email=email)
        self.message_user(request, _("E-mails remis dans la file d'envoi."), messages.SUCCESS)


@admin.register(WalletDelivery)
class WalletDeliveryAdmin(admin.ModelAdmin):
    """Read-only: which holder DID received which badge, when (written by the wallet flows only)."""

    list_display = ["assertion", "holder_id", "protocol", "format", "delivered_at"]
    list_filter = ["protocol", "format"]
    search_fields = ["holder_id", "assertion__public_id", "assertion__recipient_email"]
    readonly_fields = ["assertion", "offer", "holder_id", "protocol", "format", "delivered_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


from badges.ob3api import admin as ob3api_admin  # noqa: E402,F401  (registers the OB 3.0 API's models)
