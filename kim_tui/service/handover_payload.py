"""The content of a handover file: a client's whole file as rows, and back (issue 14).

The sender collects every row that belongs to the client by the erasure's rule
(`service.erasure.linked_rows`: client, cases, consents, residence papers, assessments with
their ratings, goal agreements with goals and steps, referrals, contacts, follow-ups and the
record history), so a table added later travels too. The receiver checks every value against
the column it is meant for and gives every row a new random id: ids are this vault's, and a
file received twice under different ids (which the replay check already refuses) could never
collide with rows already here.

    {"format": "kim-handover-payload", "version": 1, "client": OLD_ID,
     "handed_over_on": "YYYY-MM-DD", "tables": {"client": [{column: value, …}], …}}

Dates and times are ISO strings; everything else is JSON as stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, get_args

from sqlalchemy import Column
from sqlmodel import Session, SQLModel, col, select

from kim_tui.i18n import tr
from kim_tui.store.models import TABLES, AuditEvent, Client, ErasedClient, HandoverLink, Record

PAYLOAD_FORMAT = "kim-handover-payload"
PAYLOAD_VERSION = 1

_MODELS: dict[str, type[Record]] = {
    str(m.__tablename__): m
    for m in TABLES
    if issubclass(m, Record) and m not in (AuditEvent, ErasedClient, HandoverLink)
}
"""The tables a client file is made of. The audit trail stays with the sender (it is the
sender's accountability), the erasure register and the handover links are this vault's own."""


class PayloadError(ValueError):
    """The payload does not have the expected form; names the table and column. Holds the
    German and the English wording; `str()` gives the one of the UI language when shown."""

    def __init__(self, de: str, en: str) -> None:
        self.de = de
        self.en = en
        super().__init__(de)

    def __str__(self) -> str:
        return tr(self.de, self.en)


def _json(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def client_file_payload(
    session: Session, rows: dict[str, set[str]], client_id: str, handed_over_on: date
) -> dict[str, Any]:
    """The payload of a handover: every row listed in `rows` (table name → ids), as stored."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, model in _MODELS.items():
        ids = sorted(rows.get(name, ()))
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in session.exec(select(model).where(col(model.id).in_(chunk))).all():
                values = {c: _json(v) for c, v in row.model_dump().items()}
                if values.get("birth_precision") == "day":
                    # The default (schema 0017): left out, so a colleague whose kim is older
                    # still takes the file in; a date known only in part travels with it.
                    del values["birth_precision"]
                found.append(values)
        if found:
            tables[name] = sorted(found, key=lambda r: str(r["id"]))
    return {
        "format": PAYLOAD_FORMAT,
        "version": PAYLOAD_VERSION,
        "client": client_id,
        "handed_over_on": handed_over_on.isoformat(),
        "tables": tables,
    }


@dataclass(frozen=True)
class ClientFileRows:
    """A received client file, checked and with new ids, ready to be added to the session."""

    client: Client
    rows: list[Record]
    """Every row (the client first, then parents before children)."""
    handed_over_on: date


def _python_type(model: type[Record], name: str) -> type:
    """The Python type a column holds, from the model's annotation (``date | None`` → date)."""
    annotation = model.model_fields[name].annotation
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and candidate is not type(None):
            return candidate
    return str


def _value(model: type[Record], column: Column[Any], raw: Any) -> Any:
    where = f"{model.__tablename__}.{column.name}"
    if raw is None:
        if not column.nullable:
            raise PayloadError(f"{where} fehlt", f"{where} is missing")
        return None
    kind = _python_type(model, column.name)
    if kind is bool:
        if type(raw) is not bool:
            raise PayloadError(f"{where}: kein Wahrheitswert", f"{where}: not true or false")
        return raw
    if kind is int:
        if type(raw) is not int or not -(2**62) < raw < 2**62:
            raise PayloadError(f"{where}: keine ganze Zahl", f"{where}: not a whole number")
        return raw
    if kind is datetime:
        try:
            return datetime.fromisoformat(raw) if isinstance(raw, str) else _bad(where)
        except ValueError:
            raise PayloadError(
                f"{where}: kein Zeitpunkt", f"{where}: not a point in time"
            ) from None
    if kind is date:
        try:
            return date.fromisoformat(raw) if isinstance(raw, str) else _bad(where)
        except ValueError:
            raise PayloadError(f"{where}: kein Datum", f"{where}: not a date") from None
    if not isinstance(raw, str):
        raise PayloadError(f"{where}: kein Text", f"{where}: not text")
    return raw


def _bad(where: str) -> Any:
    raise PayloadError(f"{where}: falscher Typ", f"{where}: wrong type")


def client_file_rows(doc: dict[str, Any], new_id: Any = None) -> ClientFileRows:
    """Check a payload and build its rows with new random ids (`new_id` makes them in tests).

    Every reference between the rows (client_id, case_id, foreign keys, the history's
    entity_id, a follow-up's source) follows its row to the new id. `PayloadError` for anything
    unexpected: an unknown table or column (a newer kim), a value of the wrong type, a row
    without id, not exactly one client.
    """
    make_id = new_id or (lambda: str(uuid.uuid4()))
    if (
        doc.get("format") != PAYLOAD_FORMAT
        or doc.get("version") != PAYLOAD_VERSION
        or set(doc) != {"format", "version", "client", "handed_over_on", "tables"}
    ):
        raise PayloadError(
            "Inhalt hat nicht die erwartete Form (andere kim-Version?)",
            "content does not have the expected form (another kim version?)",
        )
    tables = doc["tables"]
    if not isinstance(tables, dict) or not isinstance(doc["client"], str):
        raise PayloadError(
            "Inhalt hat nicht die erwartete Form", "content does not have the expected form"
        )
    try:
        handed_over_on = date.fromisoformat(str(doc["handed_over_on"]))
    except ValueError:
        raise PayloadError("Übergabedatum ungültig", "handover date invalid") from None
    unknown = sorted(set(tables) - set(_MODELS))
    if unknown:
        raise PayloadError(
            f"unbekannte Tabelle {unknown[0][:40]!r} (neuere kim-Version?)",
            f"unknown table {unknown[0][:40]!r} (newer kim version?)",
        )
    ids: dict[str, str] = {}
    for name, items in tables.items():
        if not isinstance(items, list) or not all(isinstance(r, dict) for r in items):
            raise PayloadError(
                f"{name}: keine Liste von Einträgen", f"{name}: not a list of entries"
            )
        for item in items:
            old = item.get("id")
            if not isinstance(old, str) or not old or old in ids:
                raise PayloadError(
                    f"{name}: Eintrag ohne eindeutige ID", f"{name}: entry without a unique ID"
                )
            ids[old] = make_id()
    clients = tables.get("client", [])
    if len(clients) != 1 or clients[0].get("id") != doc["client"]:
        raise PayloadError(
            "Inhalt enthält nicht genau eine Klient*in",
            "content does not hold exactly one client",
        )
    rows: list[Record] = []
    client: Client | None = None
    order = [t.name for t in SQLModel.metadata.sorted_tables if t.name in tables]
    for name in order:
        model = _MODELS[name]
        table = SQLModel.metadata.tables[name]
        columns = {c.name: c for c in table.columns}
        for item in tables[name]:
            extra = sorted(set(item) - set(columns))
            if extra:
                raise PayloadError(
                    f"{name}: unbekanntes Feld {extra[0][:40]!r}",
                    f"{name}: unknown field {extra[0][:40]!r}",
                )
            values: dict[str, Any] = {}
            for column_name, raw in item.items():
                value = _value(model, columns[column_name], raw)
                # A random id of the sender's vault names a row of the file: follow it.
                values[column_name] = ids.get(value, value) if isinstance(value, str) else value
            row = model(**values)
            for column_name, column in columns.items():
                if not column.nullable and getattr(row, column_name, None) is None:
                    raise PayloadError(
                        f"{name}.{column_name} fehlt", f"{name}.{column_name} is missing"
                    )
            if isinstance(row, Client):
                client = row
            rows.append(row)
    assert client is not None
    return ClientFileRows(client, rows, handed_over_on)


__all__ = [
    "PAYLOAD_FORMAT",
    "ClientFileRows",
    "PayloadError",
    "client_file_payload",
    "client_file_rows",
]
