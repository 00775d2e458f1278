"""Records of an emulated app kept in memory: ``manage.py emulate`` and engine tests."""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any


class MemoryStore:
    """A ``Store`` in a dict, safe to share between the threads of one server."""

    def __init__(self, log_size: int = 200) -> None:
        self._lock = threading.RLock()
        self.records: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.counters: dict[str, int] = {}
        self.calls: dict[tuple[str, int], int] = defaultdict(int)
        self.logged: list[dict[str, Any]] = []
        self.log_size = log_size

    def all(self, resource: str) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(r) for r in self.records[resource].values()]

    def get(self, resource: str, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self.records[resource].get(record_id)
            return copy.deepcopy(found) if found is not None else None

    def put(self, resource: str, record_id: str, data: dict[str, Any]) -> None:
        with self._lock:
            self.records[resource][record_id] = copy.deepcopy(data)

    def delete(self, resource: str, record_id: str) -> None:
        with self._lock:
            self.records[resource].pop(record_id, None)

    def next_number(self, counter: str, start: int) -> int:
        with self._lock:
            number = self.counters.get(counter, start)
            self.counters[counter] = number + 1
            return number

    def count_call(self, key: str, minute: int) -> int:
        with self._lock:
            self.calls[(key, minute)] += 1
            return self.calls[(key, minute)]

    def log(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.logged.append(entry)
            del self.logged[: -self.log_size]
