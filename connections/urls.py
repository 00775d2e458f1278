from django.urls import path

from connections import views

app_name = "connections"

urlpatterns = [
    path("connections/oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("connections/oauth1/callback/", views.oauth1_callback, name="oauth1_callback"),
    path("t/<slug:namespace>/connections/", views.connection_list, name="list"),
    path("t/<slug:namespace>/connections/new/", views.service_catalog, name="catalog"),
    path(
        "t/<slug:namespace>/connections/new/<slug:service_key>/",
        views.connection_create,
        name="create",
    ),
    path(
        "t/<slug:namespace>/connections/custom-services/new/",
        views.custom_service_form,
        name="custom_service_create",
    ),
    path(
        "t/<slug:namespace>/connections/custom-services/<slug:key>/",
        views.custom_service_form,
        name="custom_service_edit",
    ),
    path(
        "t/<slug:namespace>/connections/custom-services/<slug:key>/delete/",
        views.custom_service_delete,
        name="custom_service_delete",
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/", views.connection_detail, name="detail"
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/connect/",
        views.connection_connect,
        name="connect",
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/credentials/",
        views.connection_credentials,
        name="credentials",
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/self-client/",
        views.connection_self_client,
        name="self_client",
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/test/",
        views.connection_test,
        name="test",
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/edit/",
        views.connection_edit,
        name="edit",
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/revoke/",
        views.connection_revoke,
        name="revoke",
    ),
    path(
        "t/<slug:namespace>/connections/<slug:link_name>/delete/",
        views.connection_delete,
        name="delete",
    ),
]
