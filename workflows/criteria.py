"""Rule criteria: numbered conditions combined by a pattern such as ``(1 and 2) or 3``.

``parse_pattern`` checks a pattern against the number of conditions and returns a tree;
``evaluate`` tells whether a record matches and the value of every condition, for traces.
An empty pattern with several conditions means all of them (``1 and 2 and ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from workflows import schema
from workflows.schemas import Condition

_TOKEN = re.compile(r"\s*(?:(\d+)|(and|or)\b|(\()|(\))|(\S))", re.IGNORECASE)


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class Node:
    op: str  # "and", "or", "ref"
    items: tuple = ()
    ref: int = 0


def default_pattern(count: int) -> str:
    return " and ".join(str(i) for i in range(1, count + 1))


def parse_pattern(pattern: str, count: int) -> Node | None:
    """The tree of ``pattern`` over conditions 1..count; None when there are none.

    Every condition must be used at least once; and/or may not be mixed at one level
    without parentheses, as in the host application's editor.
    """
    text = (pattern or "").strip() or default_pattern(count)
    if count == 0:
        if pattern and pattern.strip():
            raise PatternError("There are no conditions to combine.")
        return None
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            break
        number, word, opening, closing, other = match.groups()
        if other is not None:
            raise PatternError(f"Unexpected “{other}” in the pattern.")
        if number is not None:
            tokens.append(("num", int(number)))
        elif word is not None:
            tokens.append(("op", word.lower()))
        elif opening:
            tokens.append(("(", None))
        elif closing:
            tokens.append((")", None))
        pos = match.end()
    parser = _Parser(tokens, count)
    try:
        tree = parser.expression()
    except RecursionError:
        raise PatternError("The pattern is nested too deeply.") from None
    if parser.pos != len(tokens):
        raise PatternError("The pattern has an unmatched “)” or a missing and/or.")
    missing = set(range(1, count + 1)) - parser.used
    if missing:
        listed = ", ".join(str(n) for n in sorted(missing))
        raise PatternError(f"The pattern does not use condition {listed}.")
    return tree


class _Parser:
    def __init__(self, tokens: list, count: int) -> None:
        self.tokens, self.count, self.pos, self.used = tokens, count, 0, set()

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self) -> Node:
        items = [self.operand()]
        op = None
        while (token := self.peek()) is not None and token[0] == "op":
            if op is not None and token[1] != op:
                raise PatternError("Use parentheses to combine “and” with “or”.")
            op = token[1]
            self.pos += 1
            items.append(self.operand())
        return items[0] if op is None else Node(op, tuple(items))

    def operand(self) -> Node:
        token = self.peek()
        if token is None:
            raise PatternError("The pattern ends too early.")
        self.pos += 1
        if token[0] == "num":
            if not 1 <= token[1] <= self.count:
                raise PatternError(f"There is no condition {token[1]}.")
            self.used.add(token[1])
            return Node("ref", ref=token[1])
        if token[0] == "(":
            inner = self.expression()
            closing = self.peek()
            if closing is None or closing[0] != ")":
                raise PatternError("A “(” is not closed.")
            self.pos += 1
            return inner
        raise PatternError("A condition number is missing in the pattern.")


def _evaluate_tree(node: Node, values: dict[int, bool]) -> bool:
    if node.op == "ref":
        return values[node.ref]
    results = (_evaluate_tree(item, values) for item in node.items)
    return all(results) if node.op == "and" else any(results)


# ------------------------------------------------------------------------------ conditions


def validate_condition(module: schema.Module, condition: Condition) -> str | None:
    field = module.field(condition.field)
    if field is None:
        return f"“{condition.field}” is not a field of {module.api_name}."
    operator = condition.operator
    if operator not in schema.OPERATORS_BY_TYPE.get(field["type"], []):
        return f"“{schema.OPERATORS.get(operator, operator)}” does not apply to {field['label']}."
    if operator in schema.NO_VALUE_OPERATORS:
        return None
    value = condition.value
    if field["type"] == "boolean":
        if str(value).lower() not in ("true", "false"):
            return f"{field['label']} is true or false."
        return None
    if value in (None, ""):
        return f"Give a value for {field['label']}."
    if operator == "between" and condition.value2 in (None, ""):
        return f"Give both ends of the range for {field['label']}."
    for raw in (value, condition.value2) if operator == "between" else (value,):
        if field["type"] in schema.NUMBER_TYPES and schema.to_decimal(raw) is None:
            return f"{field['label']} compares with a number."
        if field["type"] in schema.DATE_TYPES and _as_when(field, raw) is None:
            return f"{field['label']} compares with a date (YYYY-MM-DD)."
    if field["type"] == "picklist" and value not in field.get("values", []):
        return f"“{value}” is not a value of {field['label']}."
    return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def as_text(value: Any) -> str:
    if isinstance(value, dict):  # a lookup: compare by name, then by id
        value = value.get("name", value.get("id", ""))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _as_when(field: dict, value: Any):
    if field["type"] == "date":
        return schema.to_date(value)
    return schema.to_datetime(value)


def condition_holds(field: dict, condition: Condition, record: dict) -> bool:
    operator = condition.operator
    actual = record.get(field["api_name"])
    if operator == "is_empty":
        return _is_empty(actual)
    if operator == "is_not_empty":
        return not _is_empty(actual)
    expected = condition.value
    kind = field["type"]
    if kind == "tag":
        tags = [as_text(t).lower() for t in (actual or [])]
        found = str(expected).lower() in tags
        return found if operator == "contains" else not found
    if kind == "boolean":
        return bool(actual) == (str(expected).lower() == "true")
    if kind in schema.NUMBER_TYPES:
        left, right = schema.to_decimal(actual), schema.to_decimal(expected)
        if left is None or right is None:
            return operator == "ne"
        if operator == "between":
            high = schema.to_decimal(condition.value2)
            return high is not None and right <= left <= high
        return {
            "eq": left == right,
            "ne": left != right,
            "lt": left < right,
            "le": left <= right,
            "gt": left > right,
            "ge": left >= right,
        }[operator]
    if kind in schema.DATE_TYPES:
        left, right = _as_when(field, actual), _as_when(field, expected)
        if left is None or right is None:
            return operator == "is_not"
        if operator == "between":
            high = _as_when(field, condition.value2)
            return high is not None and right <= left <= high
        return {
            "is": left == right,
            "is_not": left != right,
            "before": left < right,
            "after": left > right,
        }[operator]
    if kind in ("lookup", "owner", "id") and isinstance(actual, dict):
        candidates = {as_text(actual.get("id")).lower(), as_text(actual.get("name")).lower()}
        hit = str(expected).lower() in candidates
        return hit if operator == "is" else not hit
    left, right = as_text(actual).lower(), as_text(expected).lower()
    return {
        "is": left == right,
        "is_not": left != right,
        "contains": right in left,
        "not_contains": right not in left,
        "starts_with": left.startswith(right),
        "ends_with": left.endswith(right),
    }[operator]


@dataclass
class Outcome:
    matched: bool
    conditions: list[dict]  # number, field, operator, value, actual, result

    def as_dict(self) -> dict:
        return {"matched": self.matched, "conditions": self.conditions}


def evaluate(
    module: schema.Module, conditions: list[Condition], pattern: str, record: dict
) -> Outcome:
    """Whether ``record`` matches; a broken rule (deleted field, bad pattern) never matches."""
    if not conditions:
        return Outcome(True, [])
    values: dict[int, bool] = {}
    details = []
    for number, condition in enumerate(conditions, start=1):
        field = module.field(condition.field)
        problem = validate_condition(module, condition) if field else "unknown field"
        result = False if problem else condition_holds(field, condition, record)
        values[number] = result
        details.append(
            {
                "number": number,
                "field": condition.field,
                "operator": schema.OPERATORS.get(condition.operator, "?"),
                "value": condition.value,
                "value2": condition.value2,
                "actual": record.get(condition.field),
                "result": result,
                **({"problem": problem} if problem else {}),
            }
        )
    if any("problem" in detail for detail in details):
        return Outcome(False, details)
    try:
        tree = parse_pattern(pattern, len(conditions))
    except PatternError:
        return Outcome(False, details)
    return Outcome(_evaluate_tree(tree, values), details)
