"""The publishing pages: publish, the versions list, republish, release settings."""

from django.urls import path

from releases import views

app_name = "releases"

TOPPING = "t/<slug:namespace>"

urlpatterns = [
    path(f"{TOPPING}/publish/", views.publish, name="publish"),
    path(f"{TOPPING}/versions/", views.versions, name="versions"),
    path(f"{TOPPING}/versions/settings/", views.settings, name="settings"),
    path(
        f"{TOPPING}/versions/<int:number>/republish/",
        views.version_republish,
        name="version_republish",
    ),
]
