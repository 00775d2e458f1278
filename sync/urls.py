from django.urls import path

from sync import views

app_name = "sync"

urlpatterns = [
    path("t/<slug:namespace>/sync/", views.integrations, name="integrations"),
    path("t/<slug:namespace>/sync/pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("t/<slug:namespace>/sync/pairs/<int:pk>/run/", views.pair_run, name="pair_run"),
    path("t/<slug:namespace>/sync/pairs/<int:pk>/runs/", views.pair_runs, name="pair_runs"),
    path(
        "t/<slug:namespace>/sync/<int:pk>/delete/",
        views.integration_delete,
        name="integration_delete",
    ),
]
