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
from sim.model.hubview import Candidate

__all__ = ["RequestQueue"]


class RequestQueue:
    def __init__(self, relevant: Callable[[Request], list[str]]) -> None:
        self.relevant = relevant
        self.queued: dict[Request, None] = {}  # an ordered set: queue order, O(1) membership
        self.by_cap: dict[str, dict[Request, None]] = {}  # capability -> queued requests
        self.unexamined: dict[Request, None] = {}  # queued, never re-examined
        self.exam_key: dict[Request, Any] = {}  # capacity epochs at the last re-examination
        # what a pure decider saw then (its candidates, under which policy), when it left the
        # request queued: the hourly round may reuse them while the epochs stay the same
        self.seen: dict[Request, tuple[str, list[Candidate]]] = {}

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
        self.seen.pop(req, None)
        return True

    def examined(
        self, req: Request, key: Any, seen: tuple[str, list[Candidate]] | None = None
    ) -> None:
        """``req`` was examined under these capacity epochs: skip it until they change.
        ``seen``: the policy and candidates of a pure decider that left it queued."""
        self.exam_key[req] = key
        self.unexamined.pop(req, None)
        if seen is None:
            self.seen.pop(req, None)
        else:
            self.seen[req] = seen

    def unseen(self, req: Request) -> None:
        """Examine ``req`` afresh next time, whatever the epochs."""
        self.exam_key.pop(req, None)
        self.seen.pop(req, None)

    def seen_under(self, req: Request, key: Any, policy: str) -> list[Candidate] | None:
        """The candidates a pure decider saw for ``req`` under these epochs and this policy
        when it last left it queued (None: not seen so, or something changed since)."""
        hit = self.seen.get(req)
        if hit is None or hit[0] != policy or key != self.exam_key.get(req):
            return None
        return hit[1]

    def same(self, req: Request, key: Any) -> bool:
        return key == self.exam_key.get(req)

    def due(self, dirty: Iterable[str], forced: Iterable[Request]) -> list[Request]:
        """Never examined, or relevant to a capability that changed, or forced (in no order)."""
        chosen = dict(self.unexamined)
        for cap in dirty:
            chosen.update(self.by_cap.get(cap, {}))
        chosen.update(dict.fromkeys(forced))
        return list(chosen)
