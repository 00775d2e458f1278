from django.urls import path

from sandbox import publish_views

topping = "t/<slug:namespace>"

urlpatterns = [
    path(f"{topping}/publish/", publish_views.publish, name="publish"),
    path(f"{topping}/versions/", publish_views.versions, name="versions"),
    path(
        f"{topping}/versions/<int:number>/republish/",
        publish_views.version_republish,
        name="version_republish",
    ),
]
