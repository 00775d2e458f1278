"""The releases API for the host: installation (see test_publish.py) and versions."""

from __future__ import annotations

import pytest

from console.apikeys import create_api_key
from releases import services
from releases.models import Version
from workflows.models import Execution

pytestmark = pytest.mark.django_db


def test_versions_lists_what_was_published(api, topping, owner, make_function):
    make_function("hello", 'info "hi";')
    url = f"/api/v1/toppings/{topping.namespace}/versions"
    assert api("get", url).json() == []

    services.publish(topping, notes="First.", user=owner)
    services.publish(topping, notes="Second.", user=owner)

    body = api("get", url).json()
    assert [(v["number"], v["notes"], v["current"]) for v in body] == [
        (2, "Second.", True),
        (1, "First.", False),
    ]
    assert body[0]["author"] == owner.email and body[0]["installed_at"] is None
    assert body[0]["snapshot"]["functions"][0]["signature"] == "hello()"


# ------------------------------------------------------------------------------ access


@pytest.fixture
def published(topping, owner, make_function):
    make_function("on_install", 'info "installing";')
    services.publish(topping, notes="First.", user=owner)


def every_call(topping) -> list[tuple[str, str]]:
    base = f"/api/v1/toppings/{topping.namespace}"
    return [("post", f"{base}/install"), ("get", f"{base}/versions")]


def test_every_call_needs_a_key(api, topping, published):
    for method, path in every_call(topping):
        assert api(method, path, key=None).status_code == 401, path
        assert api(method, path, key="tc_abc_wrong").status_code == 401, path
    assert Version.objects.get().installed_at is None and not Execution.objects.exists()


def test_another_toppings_key_gets_404_everywhere(api, topping, published, other_topping):
    _, other_key = create_api_key(other_topping, name="theirs", user=None)
    for method, path in every_call(topping):
        response = api(method, path, key=other_key)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    assert Version.objects.get().installed_at is None and not Execution.objects.exists()
