"""With English chosen, what the services refuse reads English (team guide: "UI in German with
complete English"): a closed case, a follow-up without a reason, a merge with itself, a
restriction twice, a locked vault, a damaged handover payload. The language is read when the
message is made, so switching at run time changes the next message, and German stays the
default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kim_tui.domain.model import FollowUpDraft
from kim_tui.domain.validation import validate_client
from kim_tui.i18n import set_language
from kim_tui.service.handover_files import MAX_FILE
from kim_tui.service.handover_payload import PayloadError, client_file_rows
from kim_tui.service.session import VaultSession
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import VaultError
from tests.builders import intake_client
from tests.conftest import FIXED_TODAY


def _refused(call: Callable[[], object]) -> str:
    with pytest.raises(VaultError) as refused:
        call()
    return str(refused.value)


def test_service_refusals_read_english(workspace: Workspace, english: None) -> None:
    client_id, case_id = intake_client(workspace, "Amira", "Haddad", date(1991, 7, 3))
    messages = [
        _refused(lambda: workspace.reopen_case(case_id)),
        _refused(lambda: workspace.add_follow_up(FollowUpDraft(case_id, FIXED_TODAY, "  "))),
        _refused(lambda: workspace.merge_clients(client_id, client_id, frozenset())),
        _refused(lambda: workspace.set_print_folder("")),
        _refused(lambda: workspace.set_retention_years(500)),
    ]
    workspace.restrict_client(client_id)
    messages.append(_refused(lambda: workspace.restrict_client(client_id)))
    moved = replace(workspace.client_file(client_id).client, address="Neuweg 1")
    assert _refused(lambda: workspace.update_client(client_id, moved)) == (
        "Processing of this client is restricted (Art. 18): the file is read-only. Lift the "
        "restriction first."
    )
    assert messages == [
        "The case is not closed.",
        "Please give a reason.",
        "A file cannot be merged with itself.",
        "Please give a folder.",
        "Please give a number from 0 to 30 years.",
        "Processing is already restricted.",
    ]
    workspace.close()
    assert _refused(lambda: workspace.vault.engine) == "The vault is locked."
    # A screen or worker still holding the workspace after Ctrl+L: the same sentence, not
    # SQLite's "file is not a database" from a connection keyed with the zeroed key.
    assert _refused(lambda: workspace.client_file(client_id)) == "The vault is locked."
    assert _refused(lambda: workspace.set_retention_years(5)) == "The vault is locked."
    locked = VaultSession(workspace.vault.directory)
    assert _refused(lambda: locked.workspace) == "The vault is locked."


def test_the_same_refusal_in_german_by_default(workspace: Workspace) -> None:
    _client_id, case_id = intake_client(workspace, "Amira", "Haddad", date(1991, 7, 3))
    assert _refused(lambda: workspace.reopen_case(case_id)) == "Der Fall ist nicht abgeschlossen."
    workspace.close()
    assert _refused(lambda: workspace.vault.engine) == "Der Tresor ist gesperrt."


def test_field_rules_follow_the_language_switched_at_run_time() -> None:
    from kim_tui.domain.model import ClientDraft

    future = ClientDraft("Amira", "", date(2030, 1, 1))
    german = validate_client(future, FIXED_TODAY)
    set_language("en")
    try:
        english = validate_client(future, FIXED_TODAY)
    finally:
        set_language("de")
    assert german == {
        "family_name": "Bitte den Familiennamen angeben.",
        "birth_date": "Geburtsdatum 01.01.2030 liegt in der Zukunft.",
    }
    assert english == {
        "family_name": "Please give the family name.",
        "birth_date": "Date of birth 01.01.2030 is in the future.",
    }


def test_a_damaged_handover_payload_is_described_in_the_language_shown() -> None:
    """A payload error keeps both wordings: raised under German, read under English."""
    doc = {
        "format": "kim-handover-payload",
        "version": 1,
        "client": "c",
        "handed_over_on": "kein Datum",
        "tables": {},
    }
    with pytest.raises(PayloadError) as refused:
        client_file_rows(doc)
    assert str(refused.value) == "Übergabedatum ungültig"
    set_language("en")
    try:
        assert str(refused.value) == "handover date invalid"
    finally:
        set_language("de")


def test_an_unsuitable_handover_file_says_what_it_is_in_english(
    workspace: Workspace, english: None, tmp_path: Path
) -> None:
    big = tmp_path / "huge.kimx"
    with big.open("wb") as sparse:  # no need to write 80 MiB
        sparse.truncate(MAX_FILE + 1)
    message = _refused(lambda: workspace.receive_handover(str(tmp_path), str(tmp_path)))
    assert message == f"{tmp_path}: is a directory, not a file"
    message = _refused(lambda: workspace.receive_handover(str(big), str(tmp_path)))
    assert message == f"{big}: is too large (over {MAX_FILE // 1024} KiB)"
