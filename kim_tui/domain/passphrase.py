"""How strong a new passphrase is, and the form it is derived from.

A new passphrase (`kim init`, `kim passwd`, `kim recover`, `kim coordinator init|passwd|recover`)
is estimated with zxcvbn, a maintained port of Dropbox's estimator: it looks for dictionary
words, names, keyboard rows, repeats, sequences, dates and common passwords and says which it
found. A score below `MIN_SCORE` is refused with that reason unless the person insists
(`--allow-weak`). zxcvbn's feedback is English; the German wording is a data file
(``data/texts/passphrase_feedback.toml``).

Every passphrase is normalised to Unicode NFC before derivation, so "é" typed as one code point
(most keyboards) or as "e" plus a combining accent (some macOS input paths, pasted text) opens
the same vault.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from zxcvbn import zxcvbn

__all__ = ["MIN_LENGTH", "MIN_SCORE", "Strength", "assess", "nfc"]

MIN_SCORE = 3
"""zxcvbn's "safely unguessable" (about 10^10 guesses): with Argon2id at 128 MiB an offline
attack on a stolen key file costs years at that score; 0–2 fall to a dictionary in days."""
MIN_LENGTH = 10
"""The floor no override lowers (the store refuses shorter passphrases too)."""
_ZXCVBN_MAX = 72
"""zxcvbn refuses longer input; the first 72 characters decide (a longer one is long enough)."""
_GENERIC_INPUTS = ("kim", "coach", "tresor", "vault", "koordinierung", "passwort", "passphrase")


def nfc(passphrase: str) -> str:
    """The passphrase in Unicode NFC (the form every key derivation uses)."""
    return unicodedata.normalize("NFC", passphrase)


@dataclass(frozen=True)
class Strength:
    """zxcvbn's verdict on one passphrase: its score (0–4) and why it is weak, if it is."""

    score: int
    too_short: bool
    reasons: tuple[tuple[str, str], ...]
    """(German, English) sentences from zxcvbn's warning and suggestions."""

    @property
    def acceptable(self) -> bool:
        """Long enough and at least `MIN_SCORE`."""
        return not self.too_short and self.score >= MIN_SCORE

    def message(self, lang: str = "de") -> str:
        """Why the passphrase is refused (or, with an override, what is weak about it)."""
        en = lang == "en"
        if self.too_short:
            head = (
                f"The passphrase must have at least {MIN_LENGTH} characters."
                if en
                else f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen haben."
            )
        else:
            head = (
                f"The passphrase is too easy to guess (strength {self.score} of 4, "
                f"at least {MIN_SCORE} needed)."
                if en
                else f"Das Passwort ist zu leicht zu erraten (Stärke {self.score} von 4, "
                f"mindestens {MIN_SCORE} nötig)."
            )
        hints = [en_text if en else de_text for de_text, en_text in self.reasons]
        if not self.too_short and not hints:
            hints.append(
                "Use a few uncommon words, e.g. four words with spaces."
                if en
                else "Mehrere ungewöhnliche Wörter verwenden, z. B. vier Wörter mit Leerzeichen."
            )
        return " ".join([head, *hints])


def assess(passphrase: str, user_inputs: Iterable[str] = ()) -> Strength:
    """Estimate the strength of a new passphrase (its NFC form). `user_inputs` are words an
    attacker would try first (the store's name, the coach's name): zxcvbn counts them as known."""
    text = nfc(passphrase)
    inputs = [*_GENERIC_INPUTS, *(word for word in user_inputs if word)]
    result = zxcvbn(text[:_ZXCVBN_MAX], user_inputs=inputs)
    feedback = result.get("feedback") or {}
    sentences = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    german = _german()
    reasons = tuple((german.get(s, s), s) for s in sentences if s)
    return Strength(score=int(result["score"]), too_short=len(text) < MIN_LENGTH, reasons=reasons)


@functools.cache
def _german() -> Mapping[str, str]:
    source = resources.files("kim_tui.domain").joinpath("data/texts/passphrase_feedback.toml")
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    return MappingProxyType({str(e["en"]): str(e["de"]) for e in data["entries"]})
