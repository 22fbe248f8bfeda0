"""The passphrase strength estimate: German for every sentence zxcvbn can say, and NFC."""

from __future__ import annotations

import ast
import inspect
import unicodedata

import zxcvbn.feedback

from kim_tui.domain.passphrase import _german, assess, nfc


def test_every_feedback_sentence_of_zxcvbn_has_a_german_wording() -> None:
    tree = ast.parse(inspect.getsource(zxcvbn.feedback))
    sentences = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(sentences) > 20
    assert sentences <= set(_german())


def test_the_estimate_and_the_derivation_see_the_nfc_form() -> None:
    composed = "Straßenbahn fährt über Brücken"
    decomposed = unicodedata.normalize("NFD", composed)
    assert nfc(decomposed) == composed
    assert assess(decomposed) == assess(composed)
