"""Publishing as a developer meets it: what blocks it, immutable versions, republishing,
draft versus published, and the "On installation" hook."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from releases import services
from releases.models import ReleaseSettings, Version
from sandbox import store
from workflows.functions import save_function
from workflows.models import Action, Event, Execution, Function, Rule

NOTES = "First release: greets new contacts."
SYNC = 'r = invokeurl [ url: "https://example.com" type: GET connection: "books" ];'


@pytest.fixture
def greeter(make_function, make_rule):
    """A rule on Contacts create whose function's info line tells which code ran."""
    function = make_function("greet", 'info "one";')
    make_rule(
        name="Greet",
        trigger=Rule.Trigger.CREATE,
        actions=[{"kind": Action.Kind.FUNCTION, "function": function, "config": {"arguments": {}}}],
    )
    return function


def edit_code(function: Function, code: str, user) -> Function:
    function.refresh_from_db()
    function.code = code
    return save_function(function, user=user)


def info_of(event_id: int) -> list[str]:
    runs = Execution.objects.filter(event_id=event_id).order_by("pk")
    return [line for run in runs for line in run.info_lines]


@pytest.fixture
def production_event(client, raw_key, topping, drain, django_capture_on_commit_callbacks):
    """Post a new contact as the host would; return the info lines its runs wrote."""

    def post() -> list[str]:
        body = {
            "module": "Contacts",
            "operation": "create",
            "record": {"ID": "1", "Last_Name": "L"},
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/toppings/{topping.namespace}/events",
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw_key}",
            )
        assert response.status_code == 202, response.content
        drain()
        return info_of(response.json()["event_id"])

    return post


@pytest.fixture
def sandbox_event(topping, owner, drain, django_capture_on_commit_callbacks):
    """Create a contact in the sandbox; return the info lines its runs wrote."""

    def create() -> list[str]:
        with django_capture_on_commit_callbacks(execute=True):
            store.create_record(topping, "Contacts", {"Last_Name": "L"}, user=owner)
        drain()
        return info_of(Event.objects.filter(environment="sandbox").latest("pk").pk)

    return create


def publish_url(topping) -> str:
    return reverse("releases:publish", args=[topping.namespace])


def versions_url(topping) -> str:
    return reverse("releases:versions", args=[topping.namespace])


def republish_url(topping, number: int) -> str:
    return reverse("releases:version_republish", args=[topping.namespace, number])


def publish_through_page(client, topping, notes: str = NOTES):
    return client.post(publish_url(topping), {"notes": notes})


# ------------------------------------------------------------------------------ blocking


def test_a_function_that_does_not_parse_blocks_publishing(client_for, owner, topping, greeter):
    Function.objects.create(topping=topping, name="broken", code="x = ;")
    client = client_for(owner)

    page = client.get(publish_url(topping))
    assert "Function broken does not parse: line 1" in page.content.decode()

    response = publish_through_page(client, topping)
    assert response.status_code == 200
    assert "Function broken does not parse" in response.content.decode()
    assert not Version.objects.exists()
    assert not Function.all_versions.filter(version__isnull=False).exists()


def test_a_missing_connection_blocks_publishing_with_a_link_to_create_it(
    client_for, owner, topping, make_function, catalog_connection
):
    connection = catalog_connection("zoho_books", "books")
    make_function("sync", SYNC)
    connection.delete()
    client = client_for(owner)

    page = client.get(publish_url(topping)).content.decode()
    assert "Connection books is referenced but does not exist" in page
    assert reverse("connections:catalog", args=[topping.namespace]) in page

    publish_through_page(client, topping)
    assert not Version.objects.exists()


def test_a_connection_that_is_not_connected_blocks_publishing(
    client_for, owner, topping, make_function, catalog_connection
):
    connection = catalog_connection("zoho_books", "books")
    make_function("sync", SYNC)
    client = client_for(owner)

    page = client.get(publish_url(topping)).content.decode()
    assert "Connection books is referenced but not connected in production" in page
    assert connection.get_absolute_url() in page

    publish_through_page(client, topping)
    assert not Version.objects.exists()


def test_publishing_needs_release_notes(client_for, owner, topping, greeter):
    response = publish_through_page(client_for(owner), topping, notes="   ")
    assert "Write release notes" in response.content.decode()
    assert not Version.objects.exists()


def test_the_page_lists_the_components(client_for, teammate, topping, greeter):
    page = client_for(teammate).get(publish_url(topping)).content.decode()
    assert "greet()" in page
    assert "Greet" in page and "Contacts" in page and "Function: greet" in page
    assert "No problems" in page
    assert "Only the topping’s Administrators publish" in page


# ------------------------------------------------------------------------------ versions


def test_publishing_creates_version_one_with_frozen_copies(client_for, owner, topping, greeter):
    response = publish_through_page(client_for(owner), topping)

    assert response.status_code == 302
    assert response.url == versions_url(topping)
    version = Version.objects.get()
    assert (version.number, version.notes, version.author, version.current) == (
        1,
        NOTES,
        owner,
        True,
    )
    assert version.snapshot["functions"] == [{"name": "greet", "signature": "greet()", "lines": 1}]
    assert version.snapshot["rules"][0]["actions"] == ["greet"]

    edit_code(greeter, 'info "two";', owner)
    frozen = Function.all_versions.get(topping=topping, version=1)
    assert frozen.code == 'info "one";'
    rule = Rule.all_versions.get(topping=topping, version=1)
    assert rule.actions.get().function == frozen


def test_the_version_runs_its_own_code_and_the_sandbox_runs_the_draft(
    owner, topping, greeter, production_event, sandbox_event
):

    services.publish(topping, notes=NOTES, user=owner)
    edit_code(greeter, 'info "draft";', owner)

    assert sandbox_event() == ["draft"]
    assert production_event() == ["one"]


def test_production_events_record_the_version_they_ran(
    client,
    owner,
    topping,
    greeter,
    raw_key,
    django_capture_on_commit_callbacks,
):
    services.publish(topping, notes=NOTES, user=owner)
    contact = {"module": "Contacts", "operation": "create", "record": {"ID": "1", "Last_Name": "L"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/toppings/{topping.namespace}/events",
            json.dumps({"events": [contact, contact]}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw_key}",
        )
    assert response.status_code == 202
    assert list(Event.objects.values_list("version", flat=True)) == [1, 1]


def test_production_runs_the_draft_until_the_first_publish(topping, greeter, production_event):
    assert production_event() == ["one"]


def test_republishing_an_older_version_makes_production_run_it(
    client_for, owner, topping, greeter, production_event
):
    client = client_for(owner)
    publish_through_page(client, topping)
    edit_code(greeter, 'info "two";', owner)
    publish_through_page(client, topping, notes="Second release.")
    assert production_event() == ["two"]

    page = client.get(versions_url(topping)).content.decode()
    assert "Second release." in page and NOTES in page
    assert page.count("Republish</button>") == 1  # only the older one
    assert republish_url(topping, 1) in page

    response = client.post(republish_url(topping, 1))

    assert response.status_code == 302
    assert Version.objects.get(current=True).number == 1
    assert production_event() == ["one"]
    assert "Version 1 is current" in client.get(versions_url(topping)).content.decode()


def test_republishing_a_version_of_another_topping_is_404(
    client_for,
    owner,
    topping,
    greeter,
    other_topping,
):

    services.publish(topping, notes=NOTES, user=owner)
    response = client_for(owner).post(republish_url(topping, 7))
    assert response.status_code == 404
    response = client_for(owner).post(republish_url(other_topping, 1))
    assert response.status_code == 404


# ------------------------------------------------------------------------------ installation


@pytest.fixture
def installer(topping, make_function):
    make_function("on_install", 'info "installing";')
    ReleaseSettings.objects.create(topping=topping, install_function="on_install")


def install(client, topping, key):
    return client.post(
        f"/api/v1/toppings/{topping.namespace}/install", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_install_runs_the_hook_once_per_version(
    client,
    owner,
    topping,
    greeter,
    installer,
    raw_key,
):

    assert install(client, topping, raw_key).status_code == 409
    services.publish(topping, notes=NOTES, user=owner)

    first = install(client, topping, raw_key).json()
    assert first["version"] == 1
    assert (first["installed"], first["already_installed"]) == (True, False)
    run = Execution.objects.get(pk=first["execution"]["id"])
    assert first["execution"]["status"] == run.status == "succeeded"
    assert run.info_lines == ["installing"] and run.environment == "production"
    assert run.kind == "install" and run.label == "On installation: on_install"

    again = install(client, topping, raw_key).json()
    assert again == {
        "version": 1,
        "installed": False,
        "already_installed": True,
        "execution": None,
    }
    assert Execution.objects.filter(function__name="on_install").count() == 1

    services.publish(topping, notes="Second release.", user=owner)
    second = install(client, topping, raw_key).json()
    assert second["version"] == 2 and second["installed"] is True
    assert Execution.objects.get(pk=second["execution"]["id"]).function.version == 2
    assert Version.objects.get(number=1).installed_at is not None


def test_install_runs_the_function_named_when_the_version_was_published(
    client, owner, topping, greeter, installer, make_function, raw_key
):
    make_function("other", 'info "the draft setting";')
    services.publish(topping, notes=NOTES, user=owner)
    ReleaseSettings.objects.filter(topping=topping).update(install_function="other")
    result = install(client, topping, raw_key).json()
    run = Execution.objects.get(pk=result["execution"]["id"])
    assert run.function.name == "on_install" and run.info_lines == ["installing"]
    assert Version.objects.get(number=1).install_function == "on_install"


def test_the_versions_page_shows_installation(
    client_for,
    owner,
    topping,
    greeter,
    installer,
    raw_key,
):

    services.publish(topping, notes=NOTES, user=owner)
    client = client_for(owner)
    page = client.get(versions_url(topping)).content.decode()
    assert "Not installed yet" in page and "on_install" in page
    install(client, topping, raw_key)
    assert "Installed 2" in client.get(versions_url(topping)).content.decode()


# ------------------------------------------------------------------------------ access


def test_a_developer_sees_the_pages_but_cannot_publish_or_republish(
    client_for, owner, teammate, topping, greeter
):

    services.publish(topping, notes=NOTES, user=owner)
    client = client_for(teammate)
    assert client.get(publish_url(topping)).status_code == 200
    assert client.get(versions_url(topping)).status_code == 200

    assert publish_through_page(client, topping).status_code == 403
    assert client.post(republish_url(topping, 1)).status_code == 403
    assert Version.objects.count() == 1


def test_a_stranger_gets_404_on_every_publish_page(client_for, owner, stranger, topping, greeter):

    services.publish(topping, notes=NOTES, user=owner)
    services.publish(topping, notes="Again.", user=owner)
    client = client_for(stranger)
    assert client.get(publish_url(topping)).status_code == 404
    assert publish_through_page(client, topping).status_code == 404
    assert client.get(versions_url(topping)).status_code == 404
    assert client.post(republish_url(topping, 1)).status_code == 404
    assert Version.objects.get(current=True).number == 2


def test_the_access_tests_cover_every_releases_url():
    from releases import urls

    # test_settings.py has the stranger test of the settings page.
    names = ["publish", "settings", "version_republish", "versions"]
    assert sorted(p.name for p in urls.urlpatterns) == names


def test_signed_out_visitors_are_sent_to_sign_in(client, topping):
    response = client.get(publish_url(topping))
    assert response.status_code == 302 and "login" in response.url
