"""The sandbox pages: Test your topping, records, custom fields, stubs and collections."""

from django.urls import path

from sandbox import app_views, stub_views, views

app_name = "sandbox"

RECORDS = "t/<slug:namespace>/sandbox/records/<str:module>/"
STUBS = "t/<slug:namespace>/sandbox/stubs/"
APPS = "t/<slug:namespace>/sandbox/apps/"

urlpatterns = [
    path("t/<slug:namespace>/sandbox/", views.home, name="home"),
    path("t/<slug:namespace>/sandbox/reset/", views.reset, name="reset"),
    path("t/<slug:namespace>/sandbox/traces/<int:event_id>/", views.trace, name="trace"),
    path(RECORDS, views.home, name="records"),
    path(f"{RECORDS}new/", views.record_new, name="record_new"),
    path(f"{RECORDS}fields/", views.fields, name="fields"),
    path(f"{RECORDS}fields/<int:pk>/delete/", views.field_delete, name="field_delete"),
    path(f"{RECORDS}<str:record_id>/", views.record_edit, name="record_edit"),
    path(f"{RECORDS}<str:record_id>/delete/", views.record_delete, name="record_delete"),
    path(APPS, app_views.app_list, name="apps"),
    path(f"{APPS}<slug:service_key>/", app_views.app_detail, name="app"),
    path(f"{APPS}<slug:service_key>/reset/", app_views.app_reset, name="app_reset"),
    path(f"{APPS}<slug:service_key>/seed/", app_views.app_seed, name="app_seed"),
    path(
        "t/<slug:namespace>/sandbox/connections/<slug:link_name>/authorize/",
        app_views.authorize,
        name="emulated_authorize",
    ),
    path(STUBS, stub_views.stubs, name="stubs"),
    path(f"{STUBS}settings/", stub_views.settings, name="settings"),
    path(f"{STUBS}new/", stub_views.stub_new, name="stub_new"),
    path(f"{STUBS}<int:pk>/", stub_views.stub_edit, name="stub_edit"),
    path(f"{STUBS}<int:pk>/delete/", stub_views.stub_delete, name="stub_delete"),
    path(f"{STUBS}collections/new/", stub_views.collection_new, name="collection_new"),
    path(f"{STUBS}collections/<int:pk>/", stub_views.collection, name="collection"),
    path(f"{STUBS}collections/<int:pk>/edit/", stub_views.collection_edit, name="collection_edit"),
    path(
        f"{STUBS}collections/<int:pk>/delete/",
        stub_views.collection_delete,
        name="collection_delete",
    ),
]
