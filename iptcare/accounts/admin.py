from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from iptcare.accounts.models import AuditEvent, Practice, User


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "created_at"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "role", "practice", "is_active", "is_superuser"]
    list_filter = ["role", "practice", "is_active", "is_superuser"]
    search_fields = ["email", "name"]
    readonly_fields = ["code", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["code", "email", "password"]}),
        ("Person", {"fields": ["name", "time_zone"]}),
        ("Role", {"fields": ["role", "practice", "is_active"]}),
        ("Operator", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "name", "role", "practice", "password1", "password2"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, edits or deletes audit rows, operators included."""

    list_display = [
        "at",
        "actor_email",
        "actor_role",
        "practice",
        "action",
        "object_type",
        "object_code",
        "ip_address",
    ]
    list_filter = ["verb", "practice", "actor_role"]
    search_fields = ["actor_email", "object_code", "client_code", "action"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
