from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from badgehub.uploads import LOGO, CheckedUploadsForm
from issuers import services
from issuers.audit import admin as audit_admin  # noqa: F401  (registers the audit log's admin)
from issuers.models import Issuer, Membership, Network, SigningKey


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


def membership_save(request, membership: Membership) -> None:
    """Role changes made in the admin go through the service, which records them."""
    if membership.pk is not None:
        # A person moved to another issuer or user in the form: the old role ends.
        stored = Membership.objects.get(pk=membership.pk)
        if (stored.issuer_id, stored.user_id) != (membership.issuer_id, membership.user_id):
            services.membership_remove(membership=stored, by=request.user)
    saved = services.membership_set(issuer=membership.issuer, user=membership.user, role=membership.role,
                                    by=request.user)
    membership.pk = saved.pk


class SigningKeyInline(admin.TabularInline):
    model = SigningKey
    extra = 0
    can_delete = False
    fields = ["algorithm", "public_id", "created_at", "retired_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class IssuerForm(CheckedUploadsForm):
    checked_uploads = {"image": LOGO}


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    form = IssuerForm
    list_display = ["name", "territory", "departement", "email", "created_at", "activity_report"]
    search_fields = ["name", "territory", "email", "commune_insee"]
    list_filter = ["territory", "departement"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [MembershipInline, SigningKeyInline]

    @admin.display(description=_("bilan d'activité"))
    def activity_report(self, obj: Issuer) -> str:
        return format_html('<a href="{}">{}</a>', reverse("reports:issuer", args=[obj.public_id]),
                           _("Bilan"))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Every issuer signs with an Ed25519 and an RSA key from its creation on.
        services.issuer_ensure_keys(issuer=obj)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):
            membership_save(request, membership)
        for membership in formset.deleted_objects:
            services.membership_remove(membership=membership, by=request.user)
        formset.save_m2m()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "role", "created_at"]
    list_filter = ["role", "issuer"]
    search_fields = ["user__username", "user__email", "issuer__name"]
    autocomplete_fields = ["user", "issuer"]

    def save_model(self, request, obj, form, change) -> None:
        membership_save(request, obj)

    def delete_model(self, request, obj) -> None:
        services.membership_remove(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset.select_related("user", "issuer"):
            services.membership_remove(membership=membership, by=request.user)


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["issuer", "algorithm", "created_at", "retired_at", "revoked_at"]
    list_filter = ["algorithm", "issuer"]
    search_fields = ["issuer__name", "public_id"]
    # The private key is never shown nor editable; only a compromise can be recorded.
    fields = ["public_id", "issuer", "algorithm", "public_key_pem", "created_at", "retired_at", "revoked_at",
              "revocation_reason"]
    readonly_fields = ["public_id", "issuer", "algorithm", "public_key_pem", "created_at", "retired_at", "revoked_at",
                       "revocation_reason"]
    actions = ["rotate", "mark_compromised"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Remplacer par une nouvelle clé (rotation)"))
    def rotate(self, request, queryset) -> None:
        for key in queryset.filter(retired_at__isnull=True):
            services.signing_key_create(issuer=key.issuer, algorithm=key.algorithm, by=request.user)
        self.message_user(request, _("Nouvelles clés créées ; les anciennes restent publiées."), messages.SUCCESS)

    @admin.action(description=_("Déclarer compromise (les badges signés après aujourd'hui échouent)"))
    def mark_compromised(self, request, queryset) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            services.signing_key_revoke(key=key, reason=str(_("Déclarée compromise depuis l'administration")),
                                        by=request.user)
        self.message_user(request, _("Clés déclarées compromises et remplacées."), messages.WARNING)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at", "activity_report"]
    search_fields = ["name", "issuers__name"]
    readonly_fields = ["public_id", "created_at"]
    filter_horizontal = ["issuers", "admins"]

    @admin.display(description=_("bilan d'activité"))
    def activity_report(self, obj: Network) -> str:
        return format_html('<a href="{}">{}</a>', reverse("reports:network", args=[obj.public_id]), _("Bilan"))
