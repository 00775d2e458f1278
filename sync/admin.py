from django.contrib import admin

from sync.models import Integration, Link, SyncFailure, SyncPair, SyncRun


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ("topping", "service", "environment", "active", "created_at")
    list_filter = ("environment", "active", "service")


@admin.register(SyncPair)
class SyncPairAdmin(admin.ModelAdmin):
    list_display = ("name", "integration", "direction", "interval", "last_sync_at", "next_run_at")
    list_filter = ("direction", "duplicates", "conflicts")


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ("pair", "status", "done", "total", "started_at", "finished_at")
    list_filter = ("status",)


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ("pair", "host_id", "app_id", "synced_at")
    search_fields = ("host_id", "app_id")


@admin.register(SyncFailure)
class SyncFailureAdmin(admin.ModelAdmin):
    list_display = ("pair", "direction", "host_id", "app_id", "skipped", "created_at")
    list_filter = ("skipped", "direction")
