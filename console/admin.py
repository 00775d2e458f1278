from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from console.models import AuditEntry, Membership, Topping, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("email", "username", "is_staff", "is_active", "date_joined", "last_login")
    search_fields = ("email", "username", "first_name", "last_name")
    ordering = ("email",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Topping)
class ToppingAdmin(admin.ModelAdmin):
    list_display = ("name", "namespace", "created_by", "created_at", "member_count")
    search_fields = ("name", "namespace", "description")
    list_filter = ("created_at",)
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The namespace is set once, when the topping is created.
        return ("namespace", "created_at", "updated_at") if obj else ("created_at", "updated_at")

    @admin.display(description="Members")
    def member_count(self, obj: Topping) -> int:
        return obj.memberships.count()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("topping", "user", "role", "created_at")
    list_filter = ("role", "topping")
    search_fields = ("topping__name", "topping__namespace", "user__email")
    raw_id_fields = ("user", "topping")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "object_repr", "actor", "topping")
    list_filter = ("action", "created_at")
    search_fields = ("action", "object_repr", "actor__email", "topping__namespace")
    date_hierarchy = "created_at"

    # The audit trail is evidence: operators read it, nobody edits it.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
