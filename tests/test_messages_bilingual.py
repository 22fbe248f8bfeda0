"""Every error message kim raises has an English twin (team guide: "UI in German with complete
English"; issue 13 §9).

A coach with the English UI or `kim --lang en` reads what went wrong in English. The source is
read, not run. A German text in a `raise`, in an exception built elsewhere (returned, kept), in
an exception's own `super().__init__(…)`, or among the field messages of a `ValidationError`
(`problems[…] = …`, `ValidationError({…})`, what a `validate_…` or `…_problems` rule returns)
must be the German half of a pair picked in the language in effect: `tr("deutsch", "english")`
(or a wrapper of it), a callable that takes `de` and `en` (`refuse`, `HandoverRefused`,
`PayloadError`), or a `(deutsch, english)` tuple. Names are followed to what they hold
(`RESTRICTED_MESSAGE`, a local `why = …`), helper functions of the module to what they return.
The same rule holds for what a screen or command shows directly (`notify`, `Static`, `print` …).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import kim_tui

PACKAGE = Path(kim_tui.__file__).parent

# Words (and letters) that occur in German messages and not in English ones. Checked as whole
# words, case-insensitive; umlauts, ß and the German opening quote „ count on their own.
GERMAN_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    der das den dem des ist sind nicht kein keine keinen keiner eine einen einer ein und
    oder mit von fehlt fehlen gibt muss müssen liegt Datei Tresor bitte wurde wird werden
    zuerst erst schon bereits noch nur ohne für zur zum zu bei nach aus auf über unbekannt
    unbekannte unbekannter unbekanntes ungültig ungültiges ungültige falsch falscher falsche
    Eintrag Einträge Feld Tabelle Inhalt Zeichen Zahl Datum Akte Wert leer
    gesperrt geschlossen abgelehnt beschädigt lesbar gelöscht angeben Klient Kolleg
    nichts haben kann können soll darf dieser diese dieses sich sein
    höchstens mindestens zwischen vor Jahre Jahr Tage Woche Stunde doppelt Thema Grund
    wählen bewerten beschreiben benennen Ordner gespeichert abgeschlossen eingelesen
    """,
    )
)
GERMAN = re.compile(r"[äöüÄÖÜß„]|\b(" + "|".join(GERMAN_WORDS) + r")\b", re.IGNORECASE | re.UNICODE)
# "die", "hat", "Tag", "Fall", "Name", "an", "in" are English words too and are left out.
# Placeholders and code (`kim colleague add`, `--merge-into`) are not words.

# (file relative to kim_tui, German text start): strings that look German but are never shown
# to a coach as a message. Keep it short and say why.
ALLOWED: dict[tuple[str, str], str] = {}


def _german(text: str) -> bool:
    stripped = re.sub(r"`[^`]*`|--[a-z-]+|\{[^}]*\}", " ", text)
    return bool(GERMAN.search(stripped))


def _takes_both(node: ast.FunctionDef) -> bool:
    return {"de", "en"} <= {a.arg for a in node.args.args}


def _bilingual_callables(trees: list[ast.Module]) -> set[str]:
    """What takes the German and the English text and picks one when shown: `tr` (also
    imported under another name), and every function or exception class with parameters
    `de` and `en` (`refuse(de, en)`, `HandoverRefused(reason, de, en)`, `_t(de, en)` …)."""
    names = {"tr"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "kim_tui.i18n":
                names |= {a.asname for a in node.names if a.name == "tr" and a.asname}
            if isinstance(node, ast.ClassDef):
                names |= {
                    node.name
                    for item in node.body
                    if isinstance(item, ast.FunctionDef)
                    and item.name == "__init__"
                    and _takes_both(item)
                }
            elif (
                isinstance(node, ast.FunctionDef) and node.name != "__init__" and _takes_both(node)
            ):
                names.add(node.name)
    return names


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_super_init(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and _call_name(func.value) == "super"
    )


EXCEPTION_NAME = re.compile(r"^[A-Z]\w*(Error|Exception|Refused|Required|NotFound|Failed)$")
"""An exception built outside a `raise` (returned, or kept to raise later) is a message too."""


def _is_rule(node: ast.FunctionDef) -> bool:
    """A function that returns field → message for what a coach typed."""
    returns = ast.unparse(node.returns) if node.returns else ""
    return node.name.startswith("validate") or "problem" in node.name or "dict[str, str]" in returns


def _message_roots(tree: ast.Module) -> Iterator[ast.AST]:
    """The expressions whose text reaches the coach as an error message."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            yield node.exc
        elif isinstance(node, ast.Call) and _is_super_init(node):
            yield from node.args
        elif isinstance(node, ast.Call) and (
            _call_name(node) == "not_in_future" or EXCEPTION_NAME.search(_call_name(node))
        ):
            yield node
        elif isinstance(node, ast.FunctionDef) and _is_rule(node):
            # A rule returns its field messages: {"field": "message"}.
            yield from (
                r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None
            )
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and "problems" in target.value.id
                    and node.value is not None
                ):
                    yield node.value


def _is_pair(node: ast.AST) -> bool:
    """`(deutsch, english)`: a pair of texts whose second is not German, picked by `tr(*pair)`."""
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
        return False
    texts = [
        " ".join(str(c.value) for c in ast.walk(e) if isinstance(c, ast.Constant))
        for e in node.elts
        if isinstance(e, ast.Constant | ast.JoinedStr)
    ]
    return len(texts) == 2 and not _german(texts[1])


def _assigned(scope: ast.AST, *, top_level: bool) -> dict[str, list[ast.expr]]:
    """`NAME = …` in a module (its top level) or a function: a message kept in a name is
    checked where it is raised."""
    nodes = scope.body if top_level and isinstance(scope, ast.Module) else ast.walk(scope)
    names: dict[str, list[ast.expr]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).append(node.value)
    return names


def _helpers(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """What the module's own functions return: a message made by a helper (`_not_found()`)."""
    return {
        node.name: [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value]
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }


def _german_only(
    root: ast.AST,
    bilingual: set[str],
    names: dict[str, list[ast.expr]] | None = None,
    helpers: dict[str, list[ast.expr]] | None = None,
) -> Iterator[ast.Constant]:
    """German string constants under `root` that are not inside a bilingual call; names and
    the module's helper functions are followed to what they hold or return."""
    named, made = names or {}, helpers or {}
    followed: set[int] = set()

    def follow(values: list[ast.expr]) -> Iterator[ast.Constant]:
        for value in values:
            if id(value) not in followed:
                followed.add(id(value))
                yield from visit(value)

    def visit(node: ast.AST) -> Iterator[ast.Constant]:
        if isinstance(node, ast.Call) and _call_name(node) in bilingual:
            return
        if isinstance(node, ast.Name) and node.id in named:
            yield from follow(named[node.id])
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in made:
            yield from follow(made[node.func.id])
        if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
            return
        if _is_pair(node):
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _german(node.value):
                yield node
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    yield from visit(root)


SHOWN_CALLS = frozenset(
    {"notify", "Static", "Label", "Button", "Input", "Checkbox", "RadioButton", "Option"}
    | {"Text", "update", "add_column", "add_columns", "add_row", "print", "push_screen"}
)
"""What puts a text on the screen or the terminal directly (besides an error)."""


def _shown_roots(scope: ast.AST) -> Iterator[ast.AST]:
    """Texts a screen, widget or command shows: a notification, a label, a cell, a line."""
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and _call_name(node) in SHOWN_CALLS:
            yield node


def _german_only_in(
    tree: ast.Module,
    bilingual: set[str],
    roots: Callable[[ast.AST], Iterator[ast.AST]] | None = None,
) -> Iterator[ast.Constant]:
    """Every German-only message text of one module (`roots`: where messages are)."""
    find = roots or _message_roots
    module = _assigned(tree, top_level=True)
    helpers = _helpers(tree)
    scopes: list[ast.AST] = [tree]
    scopes += [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for scope in scopes:
        names = module if scope is tree else {**module, **_assigned(scope, top_level=False)}
        for root in find(scope):
            yield from _german_only(root, bilingual, names, helpers)


def german_only_messages(
    roots: Callable[[ast.AST], Iterator[ast.AST]] | None = None,
) -> list[str]:
    """`file:line: text` for every German message without an English twin."""
    trees = {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    bilingual = _bilingual_callables(list(trees.values()))
    found: set[str] = set()
    for relative, tree in trees.items():
        for constant in _german_only_in(tree, bilingual, roots):
            text = str(constant.value)
            if not any(relative == f and text.startswith(t) for f, t in ALLOWED):
                found.add(f"{relative}:{constant.lineno}: {text[:80]!r}")
    return sorted(found)


def test_every_raised_message_has_an_english_twin() -> None:
    missing = german_only_messages()
    assert not missing, (
        f"{len(missing)} German-only messages (wrap in tr(deutsch, english)):\n"
        + "\n".join(missing)
    )


def test_every_text_shown_directly_has_an_english_twin() -> None:
    """Notifications, labels, table cells and command output outside an error: the same rule."""
    missing = german_only_messages(_shown_roots)
    assert not missing, f"{len(missing)} German-only texts shown:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    "source",
    [
        'raise ValueError(f"Datei {p} fehlt")',
        'problems["x"] = "Bitte den Namen angeben."',
        'def rule(x) -> dict[str, str]:\n    return {"x": "Name ist zu lang."}',
        'GONE = "Der Fall ist gelöscht."\nraise ValueError(GONE)',
        'def f(p):\n    why = f"Datei {p} fehlt"\n    raise ValueError(why)',
        'def f():\n    raise ValueError(_why())\ndef _why():\n    return "Nichts gefunden."',
        'def f():\n    return ValidationError({"x": "Bitte angeben."})',
        'class E(Exception):\n    def __init__(self, p):\n        super().__init__(f"{p} fehlt")',
    ],
)
def test_the_check_finds_a_german_only_message(source: str) -> None:
    assert list(_german_only_in(ast.parse(source), {"tr"})), source


def test_the_check_finds_a_german_only_notification() -> None:
    shown = ast.parse('self.notify("Gespeichert.")\nself.notify(tr("Gespeichert.", "Saved."))')
    (found,) = _german_only_in(shown, {"tr"}, _shown_roots)
    assert found.lineno == 1


@pytest.mark.parametrize(
    "source",
    [
        'raise ValueError(tr(f"Datei {p} fehlt", f"file {p} missing"))',
        'raise TypeError("expected text")',
        'raise HandoverRefused("code", "Nichts wurde geändert.", "Nothing was changed.")',
        'CLOSED = ("Der Tresor ist gesperrt.", "The vault is locked.")\nraise E(tr(*CLOSED))',
        'raise CliError(_t("Bitte --new angeben.", "Please give --new."))',
    ],
)
def test_the_check_lets_a_bilingual_message_pass(source: str) -> None:
    bilingual = {"tr", "HandoverRefused", "_t"}
    assert not list(_german_only_in(ast.parse(source), bilingual)), source
