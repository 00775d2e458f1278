"""Fixtures for workflow tests: functions, rules, a bearer connection to a loopback server,
and ``drain`` to run every due execution in this process (no cluster needed)."""

from __future__ import annotations

import json

import pytest

from connections.models import AuthType
from connections.services import manage
from console import services
from console.apikeys import create_api_key
from tests.connections.fixtures import (  # noqa: F401  (fixtures)
    CANARY,
    echo_server,
    loopback_allowed,
    make_connection,
    make_service,
)
from workflows import runner
from workflows.models import Action, Execution, Function, Rule


@pytest.fixture
def make_function(topping, owner):
    def make(name: str, code: str, params: list | None = None, **extra) -> Function:
        function = Function(topping=topping, name=name, code=code, params=params or [], **extra)
        from workflows.functions import save_function

        return save_function(function, user=owner)

    return make


@pytest.fixture
def make_rule(topping, owner):
    def make(module: str = "Contacts", actions: list[dict] | None = None, **fields) -> Rule:
        fields.setdefault("name", f"Rule {Rule.objects.count() + 1}")
        rule = Rule.objects.create(topping=topping, module=module, created_by=owner, **fields)
        for position, action in enumerate(actions or []):
            Action.objects.create(rule=rule, position=position, **action)
        return rule

    return make


@pytest.fixture
def api_connection(make_service, make_connection, echo_server, loopback_allowed, owner):  # noqa: F811
    """A bearer-token connection ``books`` to the echo server, connected with the canary in
    both environments (sandbox runs and production runs each use their own)."""
    service = make_service("books_api", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "books")
    for environment in ("sandbox", "production"):
        manage.connect_with_values(
            connection, values={"token": CANARY}, user=owner, environment=environment
        )
    return connection


@pytest.fixture
def drain(django_capture_on_commit_callbacks):
    """Run every due execution now, in this process, as a worker would; returns statuses."""

    def run() -> list[str | None]:
        done = []
        for _ in range(20):
            due = list(
                Execution.objects.filter(
                    status__in=runner.RUNNABLE,
                    due_at__lte=runner.timezone.now(),
                ).values_list("pk", flat=True)
            )
            if not due:
                break
            done += [runner.run_execution(pk) for pk in due]
        return done

    return run


# --- the events API: a topping key and a client that uses it ---------------------------


@pytest.fixture
def raw_key(topping, owner):
    _, raw = create_api_key(topping, name="host", user=owner)
    return raw


@pytest.fixture
def other_topping(make_user):
    return services.create_topping(name="Someone Else", user=make_user("else@example.com"))


@pytest.fixture
def api(client, raw_key):
    """Call the API with the topping's key (or ``key=`` another, or None for none)."""

    def call(method: str, path: str, body=None, *, key=raw_key, raw: bytes | None = None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key is not None else {}
        if method == "get":
            return client.get(path, body or {}, **headers, **extra)
        data = raw if raw is not None else json.dumps(body)
        return client.post(path, data, content_type="application/json", **headers, **extra)

    return call


@pytest.fixture
def events_url(topping):
    return f"/api/v1/toppings/{topping.namespace}/events"


@pytest.fixture
def post_event(api, events_url, django_capture_on_commit_callbacks):
    def post(body=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return api("post", events_url, body, **options)

    return post
