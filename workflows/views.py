"""Pages for functions, rules ("Workflows") with their actions, and the execution log."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console.access import get_topping_for_user
from console.forms import apply_errors
from console.models import Topping
from workflows import access, charts, isolation, schema, services
from workflows.actions import ACTION_KINDS
from workflows.forms import ExecutionFilterForm, FunctionEditor
from workflows.functions import save_function
from workflows.models import Action, Function, Rule
from workflows.rule_forms import RuleEditor, editor_schema
from workflows.usage import function_usages

EXECUTIONS_PER_PAGE = 50

# ------------------------------------------------------------------------------ functions


@login_required
@require_GET
def function_list(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    rows = [(function, function_usages(function)) for function in topping.functions.all()]
    return render(request, "workflows/function_list.html", {"topping": topping, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def function_edit(request: HttpRequest, namespace: str, pk: int | None = None) -> HttpResponse:
    """Create or edit; "Save & Execute" saves, runs with the test arguments and shows the run."""
    topping = get_topping_for_user(request.user, namespace)
    if pk is None:
        function = Function(topping=topping)
    else:
        function = access.get_function_for_user(request.user, namespace, pk)
    execute = "execute" in request.POST
    data = request.POST if request.method == "POST" else None
    editor = FunctionEditor(data, function=function, execute=execute)
    if data is not None and editor.is_valid():
        try:
            function = save_function(editor.apply(), user=request.user)
        except ValidationError as error:
            editor.add_errors(error)
        else:
            if not execute:
                messages.success(request, f"{function.name} saved.")
                return redirect(function)
            arguments = editor.arguments
            try:
                run = services.run_test(
                    function, arguments.raw(), arguments.values, user=request.user
                )
            except isolation.Busy as busy:
                messages.error(request, str(busy))
                return redirect(function)
            return redirect(f"{function.get_absolute_url()}?run={run.pk}#result")
    run_id = request.GET.get("run", "")
    run = (
        function.executions.filter(pk=run_id).first()
        if function.pk and run_id.isdigit() and len(run_id) < 19
        else None
    )
    if request.htmx and run is not None:  # the result polling while the run goes on
        return render(request, "workflows/_run_result.html", {"run": run, "function": function})
    context = {
        "topping": topping,
        "function": function,
        "editor": editor,
        "run": run,
        "usages": function_usages(function) if function.pk else [],
    }
    return render(request, "workflows/function_form.html", context)


@login_required
@require_POST
def function_delete(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    function = access.get_function_for_user(request.user, namespace, pk)
    try:
        services.delete_function(function, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(function)
    messages.success(request, f"{function.name} deleted.")
    return redirect("workflows:function_list", namespace)


# ------------------------------------------------------------------------------ rules


@login_required
@require_GET
def rule_list(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    rules = topping.rules.annotate(action_count=Count("actions")).order_by("module", "name")
    context = {
        "topping": topping,
        "groups": [(module, list(rows)) for module, rows in groupby(rules, lambda r: r.module)],
        "modules": schema.module_names(),
    }
    return render(request, "workflows/rule_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, namespace: str, pk: int | None = None) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    if pk is None:
        rule = Rule(topping=topping, module=request.GET.get("module", ""))
    else:
        rule = access.get_rule_for_user(request.user, namespace, pk)
    editor = RuleEditor(request.POST if request.method == "POST" else None, rule=rule)
    if request.method == "POST" and editor.is_valid():
        try:
            rule = services.save_rule(editor.apply(), user=request.user)
        except ValidationError as error:
            apply_errors(editor.form, error)
        else:
            messages.success(request, f"Rule “{rule.name}” saved.")
            return redirect(rule)
    context = {
        "topping": topping,
        "rule": rule,
        "editor": editor,
        "schema": editor_schema(topping),
    }
    return render(request, "workflows/rule_form.html", context)


@login_required
@require_GET
def rule_detail(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, namespace, pk)
    actions = list(rule.actions.select_related("function"))
    can_add, offers = services.room_for_actions(rule, actions)
    context = {
        "topping": rule.topping,
        "rule": rule,
        "actions": actions,
        "can_add": can_add,
        "offers": offers,
        "max_actions": settings.WORKFLOW_MAX_ACTIONS_PER_RULE,
        "recent": rule.executions.all()[:10],
    }
    return render(request, "workflows/rule_detail.html", context)


@login_required
@require_POST
def rule_toggle(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, namespace, pk)
    services.set_rule_active(rule, not rule.active, user=request.user)
    if request.htmx:  # the list swaps only the toggle
        return render(
            request, "workflows/_rule_toggle.html", {"topping": rule.topping, "rule": rule}
        )
    messages.success(request, f"“{rule.name}” is {'active' if rule.active else 'inactive'}.")
    if request.POST.get("next") == "detail":
        return redirect(rule)
    return redirect("workflows:rule_list", namespace)


@login_required
@require_POST
def rule_delete(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, namespace, pk)
    services.delete_rule(rule, user=request.user)
    messages.success(request, f"Rule “{rule.name}” deleted.")
    return redirect("workflows:rule_list", namespace)


# ------------------------------------------------------------------------------ actions


def _action_page(request: HttpRequest, rule: Rule, action: Action) -> HttpResponse:
    initial = {"function": request.GET["function"]} if "function" in request.GET else None
    data = request.POST if request.method == "POST" else None
    form = action.get_kind().Form(data, instance=action, rule=rule, initial=initial)
    if data is not None and form.is_valid():
        try:
            services.save_action(form.build(), user=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Action saved.")
            return redirect(rule)
    context = {"topping": rule.topping, "rule": rule, "action": action, "form": form}
    return render(request, "workflows/action_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, namespace: str, pk: int, kind: str) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, namespace, pk)
    if kind not in ACTION_KINDS:
        raise Http404("No such kind of action.")
    return _action_page(request, rule, Action(rule=rule, kind=kind))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, namespace: str, pk: int, action_pk: int) -> HttpResponse:
    action = access.get_action_for_user(request.user, namespace, pk, action_pk)
    return _action_page(request, action.rule, action)


@login_required
@require_POST
def action_delete(request: HttpRequest, namespace: str, pk: int, action_pk: int) -> HttpResponse:
    action = access.get_action_for_user(request.user, namespace, pk, action_pk)
    services.delete_action(action, user=request.user)
    messages.success(request, "Action deleted.")
    return redirect(action.rule)


# ------------------------------------------------------------------------------ executions


@login_required
@require_GET
def execution_list(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    form = ExecutionFilterForm(request.GET or None, topping=topping)
    executions = form.filter(topping.executions.select_related("rule"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "topping": topping,
        "form": form,
        "page": Paginator(executions, EXECUTIONS_PER_PAGE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "chart": charts.runs_per_hour(topping),
    }
    return render(request, "workflows/execution_list.html", context)


@login_required
@require_GET
def execution_detail(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    execution = access.get_execution_for_user(request.user, namespace, pk)
    event = execution.event
    context = {
        "topping": execution.topping,
        "execution": execution,
        "event": event,
        "evaluation": event.rule_evaluations() if event is not None else [],
    }
    return render(request, "workflows/execution_detail.html", context)


@login_required
@require_POST
def execution_retry(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    execution = access.get_execution_for_user(request.user, namespace, pk)
    try:
        services.retry_execution(execution, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Queued again.")
    return redirect(execution)


def runs_panel(request: HttpRequest, topping: Topping) -> str:
    """The topping dashboard's chart of runs and failures (a ``console.panels`` panel)."""
    context = {
        "topping": topping,
        "chart": charts.runs_per_hour(topping),
        "functions": topping.functions.count(),
        "rules": topping.rules.filter(active=True).count(),
    }
    return render_to_string("workflows/_dashboard_panel.html", context, request=request)
