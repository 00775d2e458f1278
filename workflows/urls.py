from django.urls import path

from workflows import views

app_name = "workflows"

topping = "t/<slug:namespace>"

urlpatterns = [
    path(f"{topping}/functions/", views.function_list, name="function_list"),
    path(f"{topping}/functions/new/", views.function_edit, name="function_create"),
    path(f"{topping}/functions/<int:pk>/", views.function_edit, name="function_edit"),
    path(f"{topping}/functions/<int:pk>/delete/", views.function_delete, name="function_delete"),
    path(f"{topping}/workflows/", views.rule_list, name="rule_list"),
    path(f"{topping}/workflows/new/", views.rule_edit, name="rule_create"),
    path(f"{topping}/workflows/<int:pk>/", views.rule_detail, name="rule_detail"),
    path(f"{topping}/workflows/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path(f"{topping}/workflows/<int:pk>/toggle/", views.rule_toggle, name="rule_toggle"),
    path(f"{topping}/workflows/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path(
        f"{topping}/workflows/<int:pk>/actions/new/<slug:kind>/",
        views.action_create,
        name="action_create",
    ),
    path(
        f"{topping}/workflows/<int:pk>/actions/<int:action_pk>/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        f"{topping}/workflows/<int:pk>/actions/<int:action_pk>/delete/",
        views.action_delete,
        name="action_delete",
    ),
    path(f"{topping}/executions/", views.execution_list, name="execution_list"),
    path(f"{topping}/executions/<int:pk>/", views.execution_detail, name="execution_detail"),
    path(f"{topping}/executions/<int:pk>/retry/", views.execution_retry, name="execution_retry"),
]
