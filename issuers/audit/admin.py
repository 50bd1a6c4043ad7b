from django.contrib import admin

from issuers.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the services, never by hand."""

    list_display = ["occurred_at", "action", "actor_name", "issuer", "object_label", "count"]
    list_filter = ["action", "object_type", "issuer"]
    search_fields = ["actor_name", "object_label", "object_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["issuer"]
    readonly_fields = ["occurred_at", "action", "actor", "actor_name", "issuer", "object_type", "object_id",
                       "object_label", "count", "details"]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
