"""The duplicate check keeps its index between checks (issue 11: 870 ms per check at 5,000
clients when it was rebuilt each time): what a coach writes after the index was built must be
found at once, what was merged away or erased must not, and the kept index must answer exactly
as a fresh one would."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kim_tui.domain.duplicates import DuplicateIndex, ExistingPerson
from kim_tui.domain.model import ClientDraft, DuplicateCandidate, IntakeDraft
from kim_tui.service.duplicate_index import live_people
from kim_tui.service.workspace import Workspace

D = date
GIVEN = ("Anna", "Ana", "Mohammed", "Muhammad", "Şükrü", "Sukru", "Lan", "Grace")
FAMILY = ("Müller", "Mueller", "Yılmaz", "Yilmaz", "Nguyen", "Öztürk", "Ozturk", "Okafor")
BORN = (None, D(1988, 7, 1), D(1988, 1, 7), D(1988, 7, 3), D(1988, 1, 1), D(1999, 1, 1))


def _intake(ws: Workspace, given: str, family: str, born: date | None) -> str:
    client_id, _case = ws.intake(IntakeDraft(ClientDraft(given, family, born), D(2026, 10, 1)))
    return client_id


def _found(ws: Workspace, given: str, family: str, born: date | None = None) -> list[str]:
    return [c.client_id for c in ws.find_duplicates(ClientDraft(given, family, born))]


def _fresh(ws: Workspace, draft: ClientDraft) -> list[DuplicateCandidate]:
    """What a check with an index built now finds (the behaviour before the cache)."""
    return DuplicateIndex(live_people(ws._uow)).find(draft)


def test_a_client_added_after_the_index_was_built_is_found(workspace: Workspace) -> None:
    first = _intake(workspace, "Anna", "Müller", D(1988, 7, 1))
    assert _found(workspace, "Anna", "Mueller") == [first]  # the index is built here
    second = _intake(workspace, "Şükrü", "Öztürk", D(1999, 7, 29))
    assert _found(workspace, "Sukru", "Ozturk", D(1999, 1, 1)) == [second]


def test_a_corrected_name_is_found_by_the_new_name_only(workspace: Workspace) -> None:
    client = _intake(workspace, "Lan", "Nguyen", D(1995, 12, 12))
    assert _found(workspace, "Lan", "Nguyen") == [client]
    workspace.update_client(client, ClientDraft("Lan", "Tran", D(1995, 12, 12)))
    assert _found(workspace, "Lan", "Nguyen") == []
    assert _found(workspace, "Lan", "Tran") == [client]


def test_a_merged_away_file_is_no_longer_found(workspace: Workspace) -> None:
    survivor = _intake(workspace, "Şükrü", "Öztürk", D(1999, 7, 29))
    other = _intake(workspace, "Sukru", "Ozturk", D(1999, 1, 1))
    assert sorted(_found(workspace, "Sukru", "Ozturk", D(1999, 1, 1))) == sorted([survivor, other])
    workspace.merge_clients(survivor, other)
    assert _found(workspace, "Sukru", "Ozturk", D(1999, 1, 1)) == [survivor]
    assert workspace.duplicates_of(survivor) == []


def test_an_erased_client_is_no_longer_found(workspace: Workspace) -> None:
    client = _intake(workspace, "Grace", "Okafor", D(1999, 9, 9))
    kept = _intake(workspace, "Grace", "Okafor", None)
    assert sorted(_found(workspace, "Grace", "Okafor")) == sorted([client, kept])
    workspace.erase_client(client, "Antrag der Klientin vom 20.11.2026")
    assert _found(workspace, "Grace", "Okafor") == [kept]


def test_a_batch_is_found_once_it_is_committed(workspace: Workspace) -> None:
    assert _found(workspace, "Anna", "Müller") == []
    workspace.import_intakes(
        [
            IntakeDraft(ClientDraft("Anna", "Müller", D(1988, 7, 1)), D(2026, 10, 1)),
            IntakeDraft(ClientDraft("Mohammed", "Yılmaz", None), D(2026, 10, 1)),
        ]
    )
    assert len(_found(workspace, "Anna", "Mueller")) == 1
    assert len(_found(workspace, "Muhammad", "Yilmaz")) == 1


def test_locking_drops_the_index(workspace: Workspace) -> None:
    _intake(workspace, "Anna", "Müller", D(1988, 7, 1))
    _found(workspace, "Anna", "Müller")
    workspace.close()
    assert workspace._clients._duplicates._index is None


_people = st.tuples(st.sampled_from(GIVEN), st.sampled_from(FAMILY), st.sampled_from(BORN))
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), _people),
        st.tuples(st.just("correct"), _people),
        st.tuples(st.just("merge"), _people),
        st.tuples(st.just("erase"), _people),
        st.tuples(st.just("check"), _people),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=_steps)
def test_the_kept_index_answers_as_a_fresh_one(
    workspace: Workspace, steps: list[tuple[str, tuple[str, str, date | None]]]
) -> None:
    # The vault carries over between examples (one fixture per test): more history, same rule.
    for action, (given_name, family, born) in steps:
        clients = [p.client_id for p in live_people(workspace._uow)]
        if action == "add" or not clients:
            _intake(workspace, given_name, family, born)
        elif action == "correct":
            workspace.update_client(clients[-1], ClientDraft(given_name, family, born))
        elif action == "merge" and len(clients) > 1:
            workspace.merge_clients(clients[0], clients[-1])
        elif action == "erase":
            workspace.erase_client(clients[len(clients) // 2], "Antrag der Klientin, schriftlich")
        draft = ClientDraft(given_name, family, born)
        assert workspace.find_duplicates(draft) == _fresh(workspace, draft)


@settings(max_examples=200, deadline=None)
@given(
    people=st.lists(_people, max_size=30),
    removed=st.sets(st.integers(0, 29)),
    replaced=st.dictionaries(st.integers(0, 29), _people),
    probe=_people,
)
def test_add_and_remove_give_the_index_built_from_scratch(
    people: list[tuple[str, str, date | None]],
    removed: set[int],
    replaced: dict[int, tuple[str, str, date | None]],
    probe: tuple[str, str, date | None],
) -> None:
    kept = DuplicateIndex(ExistingPerson(str(i), g, f, "", b) for i, (g, f, b) in enumerate(people))
    final = {i: ExistingPerson(str(i), g, f, "", b) for i, (g, f, b) in enumerate(people)}
    for i, (g, f, b) in replaced.items():
        if i in final:
            final[i] = ExistingPerson(str(i), g, f, "", b)
            kept.add(final[i])
    for i in removed:
        kept.remove(str(i))
        final.pop(i, None)
    fresh = DuplicateIndex(final[i] for i in sorted(final))
    draft = ClientDraft(*probe)
    assert kept.find(draft) == fresh.find(draft)
    assert len(kept) == len(fresh)


def test_an_index_built_ahead_finds_what_was_written_before_and_after(
    workspace: Workspace,
) -> None:
    # After unlocking the app builds the index in a worker (the first check then is quick).
    first = _intake(workspace, "Anna", "Müller", D(1988, 7, 1))
    workspace.prepare_duplicate_check()
    second = _intake(workspace, "Şükrü", "Öztürk", D(1999, 7, 29))
    assert _found(workspace, "Anna", "Mueller") == [first]
    assert _found(workspace, "Sukru", "Ozturk", D(1999, 1, 1)) == [second]


def test_an_index_built_across_a_lock_is_thrown_away(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The vault is locked while the worker builds: the index it built holds names, so it is
    # not kept (and the check after the next unlock reads the vault again).
    from kim_tui.domain import duplicates

    _intake(workspace, "Anna", "Müller", D(1988, 7, 1))
    index = workspace._clients._duplicates
    build = DuplicateIndex.__init__

    def locked_meanwhile(self: DuplicateIndex, people: list[ExistingPerson]) -> None:
        build(self, people)
        index.forget()  # what `Workspace.close` does on Ctrl+L

    monkeypatch.setattr(DuplicateIndex, "__init__", locked_meanwhile)
    workspace.prepare_duplicate_check()
    assert index._index is None
    assert duplicates._part.cache_info().currsize == 0  # no name keys left in memory
