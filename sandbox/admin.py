from django.contrib import admin

from sandbox.models import CollectionItem, EmulatedCollection, SandboxRecord, SandboxSettings, Stub


@admin.register(SandboxSettings)
class SandboxSettingsAdmin(admin.ModelAdmin):
    list_display = ["topping", "unmatched", "record_responses"]
    list_filter = ["unmatched", "record_responses"]
    exclude = ["next_record_id"]


@admin.register(SandboxRecord)
class SandboxRecordAdmin(admin.ModelAdmin):
    list_display = ["record_id", "module", "topping", "modified_at"]
    list_filter = ["module", "topping"]
    search_fields = ["record_id", "topping__namespace"]


@admin.register(Stub)
class StubAdmin(admin.ModelAdmin):
    list_display = ["method", "url_pattern", "status", "topping", "recorded"]
    list_filter = ["recorded", "method", "topping"]
    search_fields = ["url_pattern"]


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 0


@admin.register(EmulatedCollection)
class EmulatedCollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "url_prefix", "topping"]
    list_filter = ["topping"]
    inlines = [CollectionItemInline]
