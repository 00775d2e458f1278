from django.contrib import admin, messages

from workflows import describe, services
from workflows.models import Action, Event, Execution, Function, ModuleField, Rule


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: operators read them and act through admin actions."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ("name", "topping", "signature", "created_by", "updated_at")
    list_filter = ("topping",)
    search_fields = ("name", "description", "topping__namespace")
    # Code is written and checked (syntax, connections) in the console's editor only.
    readonly_fields = (
        "topping",
        "name",
        "params",
        "code",
        "connections",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request) -> bool:
        return False


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ("position", "kind", "function", "delay", "delay_unit", "config")
    raw_id_fields = ("function",)


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "topping", "module", "trigger", "active", "action_count", "updated_at")
    list_filter = ("module", "trigger", "active")
    search_fields = ("name", "description", "topping__namespace")
    readonly_fields = ("summary", "next_run_at", "created_by", "created_at", "updated_at")
    raw_id_fields = ("topping",)
    inlines = [ActionInline]
    actions = ["activate", "deactivate"]

    def save_model(self, request, obj: Rule, form, change: bool) -> None:
        services.plan_next_run(obj)  # a schedule edited here must fire at its new time
        super().save_model(request, obj, form, change)

    @admin.display(description="Actions")
    def action_count(self, obj: Rule) -> int:
        return obj.actions.count()

    @admin.display(description="Trigger")
    def summary(self, obj: Rule) -> str:
        return describe.trigger_summary(obj)

    def _set_active(self, request, queryset, active: bool) -> None:
        changed = 0
        for rule in queryset.exclude(active=active):
            services.set_rule_active(rule, active, user=request.user)
            changed += 1
        verb = "activated" if active else "deactivated"
        self.message_user(request, f"{changed} rule(s) {verb}.")

    @admin.action(description="Activate")
    def activate(self, request, queryset) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate")
    def deactivate(self, request, queryset) -> None:
        self._set_active(request, queryset, False)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "topping",
        "environment",
        "module",
        "operation",
        "record_id",
        "dispatched_at",
    )
    list_filter = ("environment", "operation", "module")
    search_fields = ("record_id", "topping__namespace")
    date_hierarchy = "occurred_at"


@admin.register(Execution)
class ExecutionAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "label",
        "status",
        "topping",
        "rule",
        "attempts",
        "environment",
        "created_at",
        "duration_ms",
    )
    list_filter = ("status", "environment", "kind", "topping")
    search_fields = ("label", "record_id", "idempotency_key", "topping__namespace")
    date_hierarchy = "created_at"
    list_select_related = ("topping", "rule")
    actions = ["retry"]

    @admin.action(description="Retry failed runs")
    def retry(self, request, queryset) -> None:
        failed = list(queryset.filter(status=Execution.Status.FAILED))
        for execution in failed:
            services.retry_execution(execution, user=request.user)
        skipped = queryset.count() - len(failed)
        self.message_user(request, f"{len(failed)} run(s) queued again.")
        if skipped:
            self.message_user(request, f"{skipped} not failed, left as they are.", messages.WARNING)


@admin.register(ModuleField)
class ModuleFieldAdmin(admin.ModelAdmin):
    list_display = ("api_name", "label", "module", "type", "required", "topping")
    list_filter = ("module", "type")
    search_fields = ("api_name", "label", "topping__namespace")
    raw_id_fields = ("topping",)
