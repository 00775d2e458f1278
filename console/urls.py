from django.contrib import admin
from django.urls import include, path

from console import views
from console.api import api

app_name = "console"

console_patterns = [
    path("", views.home, name="home"),
    path("toppings/", views.topping_list, name="topping_list"),
    path("toppings/new/", views.topping_create, name="topping_create"),
    path("t/<slug:namespace>/", views.topping_dashboard, name="topping_dashboard"),
    path("t/<slug:namespace>/settings/", views.topping_settings, name="topping_settings"),
    path("t/<slug:namespace>/members/", views.members, name="members"),
    path("t/<slug:namespace>/members/add/", views.member_add, name="member_add"),
    path(
        "t/<slug:namespace>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "t/<slug:namespace>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("t/<slug:namespace>/activity/", views.activity, name="activity"),
    path("t/<slug:namespace>/api-keys/", views.api_keys, name="api_keys"),
]

urlpatterns = [
    path("", include((console_patterns, "console"))),
    path("", include("connections.urls")),
    path("", include("sandbox.urls")),
    path("", include("releases.urls")),
    path("", include("workflows.urls")),
    path("", include("sync.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
