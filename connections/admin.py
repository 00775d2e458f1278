from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction

from connections.models import Connection, Credential, Service
from connections.services import manage, tokens


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "category", "auth_type", "topping", "has_client")
    list_filter = ("auth_type", "category", ("topping", admin.EmptyFieldListFilter))
    search_fields = ("name", "key", "topping__namespace")
    # The client secret is an EncryptedTextField: it has no form field and never renders.
    readonly_fields = ("created_at", "updated_at")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default, said now
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(boolean=True, description="OAuth client set")
    def has_client(self, obj: Service) -> bool:
        return bool(obj.client_id)

    @transaction.atomic
    def save_model(self, request, obj: Service, form, change: bool) -> None:
        # An operator re-pointing a service resets its connections, as in the console.
        changed = manage.destination_changes(obj) if change else []
        super().save_model(request, obj, form, change)
        if changed:
            manage.reset_connections(obj, user=request.user, fields=changed)


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    can_delete = False
    fields = ("environment", "user", "status", "expires_at", "last_refreshed_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "link_name",
        "topping",
        "service",
        "user_level",
        "created_by",
        "created_at",
    )
    list_filter = ("user_level", "service__auth_type", "topping")
    search_fields = ("name", "link_name", "topping__namespace", "service__name")
    readonly_fields = ("link_name", "topping", "service", "created_by", "created_at", "updated_at")
    inlines = [CredentialInline]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = (
        "connection",
        "topping",
        "environment",
        "user",
        "status",
        "expires_at",
        "last_refreshed_at",
        "last_error",
    )
    list_filter = ("environment", "status", "connection__service__auth_type")
    search_fields = ("connection__link_name", "connection__topping__namespace", "user__email")
    fields = (
        "connection",
        "user",
        "status",
        "token_type",
        "granted_scopes",
        "expires_at",
        "connected_by",
        "connected_at",
        "last_refreshed_at",
        "last_used_at",
        "last_error",
    )
    readonly_fields = fields
    actions = ["refresh_now", "revoke"]

    @admin.display(description="Topping")
    def topping(self, obj: Credential):
        return obj.connection.topping

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Refresh now")
    def refresh_now(self, request, queryset) -> None:
        for credential in queryset.select_related("connection__service"):
            try:
                tokens.refresh(credential, force=True)
                self.message_user(request, f"{credential.connection}: refreshed.")
            except tokens.TokenError as error:
                self.message_user(
                    request, f"{credential.connection}: {error.message}", messages.ERROR
                )

    @admin.action(description="Revoke")
    def revoke(self, request, queryset) -> None:
        for credential in queryset.select_related("connection__service"):
            try:
                outcome = manage.revoke(
                    credential.connection, user=request.user, credential=credential
                )
                self.message_user(request, f"{credential.connection}: {outcome}.")
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
