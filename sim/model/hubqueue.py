"""The hub's queue of requests that wait for capacity, indexed for cheap re-examination.

A queued request is re-examined only when something it could use changed: it is indexed by the
capabilities relevant to it (the capacity book's ``relevant``), and remembers the capacity
epochs it was last examined under (``exam_key``), so the hub skips it while they are the same.
These are speed caches; they live here, with the part that owns them, not on the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sim.model.entities import Request

__all__ = ["RequestQueue"]


class RequestQueue:
    def __init__(self, relevant: Callable[[Request], list[str]]) -> None:
        self.relevant = relevant
        self.queued: dict[Request, None] = {}  # an ordered set: queue order, O(1) membership
        self.by_cap: dict[str, dict[Request, None]] = {}  # capability -> queued requests
        self.unexamined: dict[Request, None] = {}  # queued, never re-examined
        self.exam_key: dict[Request, Any] = {}  # capacity epochs at the last re-examination

    def add(self, req: Request) -> None:
        """Queue a request, indexed by the capabilities whose changes could help it."""
        self.queued[req] = None
        for cap in self.relevant(req):
            self.by_cap.setdefault(cap, {})[req] = None
        if req not in self.exam_key:
            self.unexamined[req] = None

    def remove(self, req: Request) -> bool:
        """Take a request off the queue; False if it was not queued."""
        if req not in self.queued:
            return False
        del self.queued[req]
        for cap in self.relevant(req):
            self.by_cap[cap].pop(req, None)
        self.unexamined.pop(req, None)
        return True

    def examined(self, req: Request, key: Any) -> None:
        """``req`` was examined under these capacity epochs: skip it until they change."""
        self.exam_key[req] = key
        self.unexamined.pop(req, None)

    def unseen(self, req: Request) -> None:
        """Examine ``req`` afresh next time, whatever the epochs."""
        self.exam_key.pop(req, None)

    def same(self, req: Request, key: Any) -> bool:
        return key == self.exam_key.get(req)

    def due(self, dirty: Iterable[str], forced: Iterable[Request]) -> list[Request]:
        """Never examined, or relevant to a capability that changed, or forced (in no order)."""
        chosen = dict(self.unexamined)
        for cap in dirty:
            chosen.update(self.by_cap.get(cap, {}))
        chosen.update(dict.fromkeys(forced))
        return list(chosen)
