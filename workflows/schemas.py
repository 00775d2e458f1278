"""Typed views of the JSON that workflows store: a function's parameters, a rule's trigger
fields and conditions, an event's rule evaluation, an execution's error and attempt log.

``load`` reads the stored form, tolerating rows written before a key existed; ``dump``
writes it back with the same keys, in the same order, leaving out the same ones, so old
rows, the executions API and the templates see what they always saw. The config of each
kind of action has its schema in that kind's module (``workflows/actions/``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from deluge import DelugeError


class Schema(Protocol):
    @classmethod
    def load(cls, data: dict) -> Any: ...

    def dump(self) -> dict: ...


S = TypeVar("S", bound=Schema)


def load_list(schema: type[S], data: list | None) -> list[S]:
    return [schema.load(item) for item in data or []]


def dump_list(items: Iterable[Schema]) -> list[dict]:
    return [item.dump() for item in items]


# ------------------------------------------------------------------------------ functions


@dataclass(frozen=True)
class Param:
    """``Function.params``: ``[{"name": "contact", "type": "map"}]``."""

    name: str
    type: str

    @classmethod
    def load(cls, data: dict) -> Param:
        return cls(name=data["name"], type=data["type"])

    def dump(self) -> dict:
        return {"name": self.name, "type": self.type}


# ------------------------------------------------------------------------------ rules


@dataclass(frozen=True)
class TriggerField:
    """``Rule.trigger_fields``: an Edit rule fires when this field changes (to ``to``, if
    given): ``[{"field": "Stage", "to": "Closed Won"}]``."""

    field: str
    to: str = ""

    @classmethod
    def load(cls, data: dict) -> TriggerField:
        to = data.get("to")
        return cls(field=data.get("field", ""), to="" if to is None else str(to))

    def dump(self) -> dict:
        return {"field": self.field, "to": self.to}


@dataclass(frozen=True)
class Condition:
    """``Rule.conditions``, numbered from 1 in the rule's pattern. ``value`` and ``value2``
    (the upper end of ``between``) are kept as typed; a checkbox may hold a boolean."""

    field: str = ""
    operator: str = ""
    value: Any = ""
    value2: Any = ""

    @classmethod
    def load(cls, data: dict) -> Condition:
        return cls(
            field=data.get("field", ""),
            operator=data.get("operator", ""),
            value=data.get("value", ""),
            value2=data.get("value2", ""),
        )

    def dump(self) -> dict:
        return {
            "field": self.field,
            "operator": self.operator,
            "value": self.value,
            "value2": self.value2,
        }


# ------------------------------------------------------------------------------ events


@dataclass(frozen=True)
class RuleEvaluation:
    """``Event.evaluation``: how one rule fared on the event, for the trace.

    ``conditions`` is ``criteria.evaluate``'s explanation of each condition (number,
    field, operator, values, actual value, result, problem), shown as it is; it is left
    out when the trigger did not fire and the criteria were not looked at.
    """

    rule: int
    name: str
    matched: bool
    reason: str
    conditions: list[dict] | None = None

    @classmethod
    def load(cls, data: dict) -> RuleEvaluation:
        return cls(
            rule=data["rule"],
            name=data.get("name", ""),
            matched=bool(data.get("matched")),
            reason=data.get("reason", ""),
            conditions=data.get("conditions"),
        )

    def dump(self) -> dict:
        entry: dict[str, Any] = {"rule": self.rule, "name": self.name, "matched": self.matched}
        if self.conditions is not None:
            entry["conditions"] = self.conditions
        entry["reason"] = self.reason
        return entry


# ------------------------------------------------------------------------------ executions


@dataclass(frozen=True)
class Position:
    """Where in the function's code a script error is; a line or column may be unknown."""

    line: int | None
    column: int | None
    source_line: str | None = None


@dataclass(frozen=True)
class ErrorInfo:
    """``Execution.error``: ``{"message"}`` at least; a script's error has its ``type`` and
    position (``line`` and ``column``, null when unknown, and ``source_line`` when known)."""

    message: str
    type: str | None = None
    position: Position | None = None

    @classmethod
    def of_script(cls, error: DelugeError, *, source_line: bool = True) -> ErrorInfo:
        source = error.source_line if source_line else None
        return cls(error.message, error.kind, Position(error.line, error.column, source))

    @classmethod
    def load(cls, data: dict) -> ErrorInfo:
        position = None
        if "line" in data or "column" in data:
            position = Position(data.get("line"), data.get("column"), data.get("source_line"))
        return cls(message=data.get("message", ""), type=data.get("type"), position=position)

    def dump(self) -> dict:
        error: dict[str, Any] = {} if self.type is None else {"type": self.type}
        error["message"] = self.message
        if self.position is not None:
            error.update(line=self.position.line, column=self.position.column)
            if self.position.source_line is not None:
                error["source_line"] = self.position.source_line
        return error


@dataclass(frozen=True)
class Attempt:
    """``Execution.log``: one finished attempt; ``error`` is its error's message."""

    attempt: int
    at: str  # ISO 8601
    ok: bool
    ms: float
    error: str | None = None

    @classmethod
    def load(cls, data: dict) -> Attempt:
        return cls(
            attempt=data["attempt"],
            at=data.get("at", ""),
            ok=bool(data.get("ok")),
            ms=data.get("ms", 0.0),
            error=data.get("error"),
        )

    def dump(self) -> dict:
        entry: dict[str, Any] = {
            "attempt": self.attempt,
            "at": self.at,
            "ok": self.ok,
            "ms": self.ms,
        }
        if self.error is not None:
            entry["error"] = self.error
        return entry
