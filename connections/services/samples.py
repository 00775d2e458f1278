"""Sample code for a connection's details page. Never contains a secret."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse

from connections.models import Connection
from connections.services.tokens import fill_url
from connections.services.urlparams import UrlParamError


@dataclass(frozen=True)
class Sample:
    key: str
    label: str
    code: str


def _example_path(connection: Connection) -> str:
    return "users/me" if not connection.service.api_base_url else "<path>"


def samples(connection: Connection, *, base_url: str) -> list[Sample]:
    service = connection.service
    try:
        api = fill_url(service.api_base_url, connection)
    except UrlParamError:
        api = service.api_base_url  # the template shows what is still to fill in
    api = api.rstrip("/") or "https://api.example.com"
    path = _example_path(connection)
    deluge = (
        "response = invokeurl\n[\n"
        f'\turl :"{api}/{path}"\n'
        "\ttype :GET\n"
        f'\tconnection :"{connection.link_name}"\n'
        "];\ninfo response;"
    )
    descriptor = json.dumps(
        {
            "connectionLinkName": connection.link_name,
            "connectionName": connection.name,
            "serviceName": service.key,
            "userAccess": connection.user_level,
            "isUserDefinedService": service.is_custom,
            "scope": connection.scopes,
        },
        indent=2,
    )
    # ``reverse`` quotes the ``<path>`` placeholder (``%3Cpath%3E``); show it as typed.
    route = reverse("api:connection_proxy", kwargs={"ref": connection.qualified_name, "path": path})
    quoted = quote(path, safe="/")
    if route.endswith(quoted):
        route = route[: -len(quoted)] + path
    proxy = base_url.rstrip("/") + route
    python = (
        "import os\nimport requests\n\n"
        "# A topping API key from the topping's API keys page, kept out of the code.\n"
        'headers = {"Authorization": f"Bearer {os.environ[\'TOPPING_API_KEY\']}"}\n'
        f'response = requests.get("{proxy}", headers=headers, timeout=40)\n'
        "print(response.status_code, response.json())"
    )
    curl = f'curl -H "Authorization: Bearer $TOPPING_API_KEY" \\\n  "{proxy}"'
    return [
        Sample("deluge", "Deluge", deluge),
        Sample("json", "JSON", descriptor),
        Sample("python", "Python", python),
        Sample("curl", "cURL", curl),
    ]
