"""The journal's record contract: every key, fixed order, canonical text, no unknown fields."""

from __future__ import annotations

import json

import pytest

from sim.journal import KEYS, Journal, canonical


def test_every_record_has_every_key_in_order() -> None:
    journal = Journal()
    journal("unit", 1.5, unit="BDE13-1", state="in_transit", detail={"b": 1, "a": [1, 2]})
    journal("queue", 2, value=3.0)
    first, second = journal.events
    assert list(first) == list(KEYS) == list(second)
    assert (first["seq"], first["t"], first["kind"], first["unit"]) == (0, 1.5, "unit", "BDE13-1")
    assert second["t"] == 2.0 and isinstance(second["t"], float) and second["unit"] is None


def test_canonical_text_sorts_keys_and_has_no_spaces() -> None:
    journal = Journal()
    journal("hub", 0.0, detail={"z": 1, "a": "é"})
    line = journal.text().splitlines()[0]
    assert line == canonical(journal.events[0])
    assert '"detail":{"a":"é","z":1}' in line and ", " not in line
    assert list(json.loads(line)) == sorted(KEYS)


@pytest.mark.parametrize("field", ["colour", "seq"])
def test_unknown_or_reserved_fields_are_refused(field: str) -> None:
    with pytest.raises(KeyError, match=f"unknown journal field '{field}'"):
        Journal()("unit", 0.0, **{field: 1})


def test_time_never_runs_backwards() -> None:
    journal = Journal()
    journal("queue", 5.0)
    with pytest.raises(ValueError, match="went backwards"):
        journal("queue", 4.0)


def test_the_world_calls_a_journal_through_its_bound_method() -> None:
    """``bound`` hands out an object's bound ``__call__`` (cheaper to call) and leaves plain
    callables alone; what is recorded is the same."""
    from sim.journal import bound

    journal = Journal()
    call = bound(journal)
    assert call is not journal and call.__self__ is journal  # type: ignore[attr-defined]
    call("queue", 1.0, value=2.0)
    assert journal.events[0]["value"] == 2.0 and len(journal) == 1

    def plain(kind: str, t: float, **fields: object) -> None:
        pass

    assert bound(plain) is plain


def test_the_journal_takes_exactly_the_fields_of_keys_in_their_order() -> None:
    """``Journal.__call__`` names the fields as parameters (cheaper than ``**fields``): they
    must be KEYS after seq, t and kind, and every record must carry KEYS in KEYS order."""
    import inspect

    params = list(inspect.signature(Journal.__call__).parameters)
    assert params[1:3] == ["kind", "t"] and params[-1] == "unknown"
    assert tuple(["seq", "t", "kind", *params[3:-1]]) == KEYS
    journal = Journal()
    journal("unit", 1.5, unit="U1", state="available")
    assert tuple(journal.events[0]) == KEYS
    assert journal.events[0]["unit"] == "U1" and journal.events[0]["qty"] is None
