from django.contrib import admin

from releases.models import ReleaseSettings, Version
from workflows.admin import ReadOnlyAdmin


@admin.register(ReleaseSettings)
class ReleaseSettingsAdmin(admin.ModelAdmin):
    list_display = ["topping", "install_function"]


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["topping", "number", "current", "author", "created_at", "installed_at"]
    list_filter = ["current", "topping"]
