"""Where a bundle goes in its coach's chain: imported, held back as a fork, or already decided.

Every bundle names its predecessor's link (``prev``); the chain of a coach is the imported
bundles by sequence number. A bundle fits when its neighbours in the chain link to it; else it
is a fork (two histories of one vault) and is held back until the coordinator decides (see
`forks`). The codes stored for held bundles and decisions are worded when shown, so lists
follow the UI language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from kim_tui.i18n import tr
from kim_tui.sync import bundle_format as bf

RELEASED = "released"
DISCARDED = "discarded"
SUPERSEDED = "superseded"


def decision_label(decision: str) -> str:
    """What happened to a decided bundle, as the end of "… wurde am TT.MM.JJJJ <label>"."""
    labels = {
        RELEASED: ("übernommen", "released"),
        DISCARDED: ("verworfen", "discarded"),
        SUPERSEDED: ("durch ein freigegebenes Paket ersetzt", "replaced by a released bundle"),
    }
    return tr(*labels[decision])


HELD_ID_LENGTH = 10


def held_id(link: str) -> str:
    """The short id a coordinator types to decide a held bundle (a prefix of its link)."""
    return link[:HELD_ID_LENGTH]


FORK_TEXTS = {
    "fork:discarded": (
        "Gabelung: Paket {seq} baut auf Paket {prev} auf, das verworfen wurde",
        "fork: bundle {seq} builds on bundle {prev}, which was discarded",
    ),
    "fork:superseded": (
        "Gabelung: Paket {seq} baut auf Paket {prev} auf, das durch ein freigegebenes Paket "
        "ersetzt wurde",
        "fork: bundle {seq} builds on bundle {prev}, which was replaced by a released bundle",
    ),
    "fork:on_held": (
        "Gabelung: Paket {seq} baut auf dem zurückgehaltenen Paket {prev} auf",
        "fork: bundle {seq} builds on the held-back bundle {prev}",
    ),
    "fork:same_seq": (
        "Gabelung: Paket {seq} liegt bereits mit anderem Inhalt vor",
        "fork: bundle {seq} is already there with other content",
    ),
    "fork:no_link_before": (
        "Gabelung: Paket {seq} schließt nicht an Paket {prev} an "
        "(alter Stand, z. B. aus einer Sicherung?)",
        "fork: bundle {seq} does not follow on from bundle {prev} "
        "(an old state, e.g. from a backup?)",
    ),
    "fork:no_link_after": (
        "Gabelung: Paket {next} schließt nicht an dieses Paket an",
        "fork: bundle {next} does not follow on from this bundle",
    ),
}
"""Why a bundle was held back, by the code stored in `HeldBundle.reason` (worded when shown,
so the list follows the UI language)."""


def fork_text(reason: str, seq: int) -> str:
    """The stored fork reason of bundle `seq` in the UI language (a reason stored as text by
    an older version is shown as it is)."""
    pair = FORK_TEXTS.get(reason)
    if pair is None:
        return reason
    return tr(*pair).format(seq=seq, prev=seq - 1, next=seq + 1)


@dataclass
class ChainState:
    """What decides where a bundle goes, read with one query: the decisions and held bundles
    of its own and its predecessor's link, and the coach's chain around its sequence number."""

    decided: dict[str, str]
    held: set[str]
    chain: dict[int, tuple[str, str | None]]
    """seq → (link, prev) of the imported bundles seq − 1, seq and seq + 1."""

    _SQL = (
        "SELECT 'd', link, decision, NULL FROM coord_decision WHERE link IN (?, ?) "
        "UNION ALL SELECT 'h', link, NULL, NULL FROM coord_held WHERE link IN (?, ?) "
        "UNION ALL SELECT 'b', seq, link, prev FROM coord_bundle "
        "WHERE coach = ? AND seq BETWEEN ? AND ?"
    )

    @classmethod
    def read(cls, conn: Connection, header: bf.BundleHeader) -> ChainState:
        """The state of `header`'s neighbourhood in the caller's transaction."""
        link, prev = header.link, header.prev
        params = (link, prev, link, prev, header.coach, header.seq - 1, header.seq + 1)
        state = cls({}, set(), {})
        dbapi = conn.connection.dbapi_connection  # the driver directly: once per bundle
        if dbapi is None:
            raise RuntimeError("the connection is closed")
        for kind, key, a, b in dbapi.cursor().execute(cls._SQL, params):
            if kind == "d":
                state.decided[key] = a
            elif kind == "h":
                state.held.add(key)
            else:
                state.chain[int(key)] = (a, b)
        return state

    def fork(self, header: bf.BundleHeader) -> str | None:
        """Why the bundle does not fit the chain, as a code of `FORK_TEXTS` (None: it fits)."""
        if header.prev is not None:
            # A bundle built on a discarded, superseded or still held bundle belongs to that
            # history, wherever the chain's neighbours are (they may have left the chain).
            decided = self.decided.get(header.prev)
            if decided in (DISCARDED, SUPERSEDED):
                return f"fork:{decided}"
            if header.prev in self.held:
                return "fork:on_held"
        same = self.chain.get(header.seq)
        if same is not None and same[0] != header.link:
            return "fork:same_seq"
        before = self.chain.get(header.seq - 1)
        if before is not None and before[0] != header.prev:
            return "fork:no_link_before"
        after = self.chain.get(header.seq + 1)
        if after is not None and after[1] != header.link:
            return "fork:no_link_after"
        return None
