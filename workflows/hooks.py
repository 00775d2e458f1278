"""Extension points of workflows (see console/hooks.py and docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from console.hooks import Hook, KeyedHook

if TYPE_CHECKING:
    from console.models import Topping
    from workflows.host import WorkflowHost
    from workflows.models import Event, Rule

RuleSource = Callable[["Event"], "Iterable[Rule] | None"]

RULE_SOURCES: Hook[RuleSource] = Hook("workflows.hooks.RULE_SOURCES")
"""``source(event) -> rules | None``: the rules an event runs. The first source that answers
(not None) decides; with none, a topping's active draft rules run. Releases answers for
production events of a topping that has published (setting ``event.version``)."""

ENVIRONMENT_HOSTS: KeyedHook[str, type[WorkflowHost]] = KeyedHook(
    "workflows.hooks.ENVIRONMENT_HOSTS"
)
"""environment -> the ``WorkflowHost`` subclass its runs use. The sandbox registers its host,
which answers HTTP calls from stubs and emulated collections and record tasks from the
emulated host application (by overriding ``store()``); others use ``WorkflowHost``."""

RecordLinkFinder = Callable[["Topping", str, str], "Iterable[str]"]

RECORD_LINKS: Hook[RecordLinkFinder] = Hook("workflows.hooks.RECORD_LINKS")
"""``finder(topping, module, record_id) -> [text]``: what a host record is linked to
elsewhere ("Zoho Books contact 460000000026049, synced 2 minutes ago"); the sandbox's
record page shows them."""
