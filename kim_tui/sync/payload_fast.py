"""The payload schema compiled into one Python function per table: the import's fast path.

`payload_schema.check_record` runs one small check function per field (a call, a ``try`` and
an attribute look-up each): for a contact note that was about half of what checking it costs.
Here the checks of each complete set of fields a table allows (`payload_schema`'s plans) are
written out as one function of plain comparisons, compiled once per process.

It only ever *accepts*: each field's expression is true only where the field's own check
passes (a catalog code is looked up in the catalog's codes, a date among the dates found valid
before), and a record with a tombstone, an erasure mark or any field it has no expression for
is not accepted here. Whatever it does not accept, `payload_schema` checks as before, field by
field, and names the first problem: the same records are accepted and rejected, with the same
reasons. `tests/sync/test_payload_fast.py` compares the two on valid and damaged records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Acceptor = Callable[[dict[str, Any]], bool]

Plan = tuple[frozenset[str], bool, tuple[tuple[str, Any], ...]]
"""(the fields of ``data``, whether it holds personal fields, (field, check) in check order)."""


def _plan_test(number: int, personal: bool | None, table: str) -> str:
    test = f"keys == PLAN_{number}"
    if table == "client":
        # The plan with personal fields only where "personal" is true, the one without only
        # where it is false (`check_data` goes the long way for anything else).
        test += f" and data['personal'] is {'True' if personal else 'False'}"
    return test


def compile_acceptor(
    table: str,
    plans: Sequence[Plan],
    expressions: Mapping[Any, str],
    constants: Mapping[str, Any],
) -> Acceptor | None:
    """One function that returns True only for a record of `table` that keeps every rule of
    `payload_schema.check_record` (None: no plan of the table can be written out).

    `expressions` maps a field check to a Python expression over ``{v}`` that is true only
    where the check passes; `constants` are the names those expressions use, plus
    ``RECORD_KEYS``, ``ID`` (the id pattern's ``fullmatch``) and ``MAX_REVISION``."""
    env: dict[str, Any] = dict(constants)
    lines = [
        "def accept(record):",
        "    if record.keys() != RECORD_KEYS:",
        "        return False",
        "    rid = record['id']",
        "    rev = record['rev']",
        "    data = record['data']",
        "    if not (rid.__class__ is str and ID(rid) is not None and rev.__class__ is int",
        "            and 0 < rev <= MAX_REVISION and record['del'] is False",
        "            and data.__class__ is dict):",
        "        return False",  # a tombstone, or anything odd: the long way
        "    keys = data.keys()",
    ]
    written = 0
    for number, (keys, personal, checks) in enumerate(plans):
        if any(check not in expressions for _name, check in checks):
            continue
        env[f"PLAN_{number}"] = keys
        lines.append(f"    if {_plan_test(number, personal, table)}:")
        for name, check in checks:
            lines.append(f"        v = data[{name!r}]")
            lines.append(f"        if not {expressions[check].format(v='v')}:")
            lines.append("            return False")
        lines.append("        return True")
        written += 1
    if not written:
        return None
    lines.append("    return False")
    namespace: dict[str, Any] = {}
    # Source built above from this module's and payload_schema's own constants only: no text
    # of a bundle ever reaches it.
    exec(compile("\n".join(lines), f"<payload schema: {table}>", "exec"), env, namespace)
    accept: Acceptor = namespace["accept"]
    return accept


def compile_acceptors(
    plans: Mapping[str, Sequence[Plan]],
    expressions: Mapping[Any, str],
    constants: Mapping[str, Any],
    ids: Mapping[str, Callable[[str], Any]],
) -> dict[str, Acceptor]:
    """`compile_acceptor` for every table that has a plan to write out; `ids` is each
    table's id check (a pattern's ``fullmatch``)."""
    out = {}
    for table, table_plans in plans.items():
        accept = compile_acceptor(table, table_plans, expressions, {**constants, "ID": ids[table]})
        if accept is not None:
            out[table] = accept
    return out
