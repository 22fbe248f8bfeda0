"""Every `kim` command answers `--help` with exit 0 and no traceback, and names that come from
files others hand over reach the terminal as visible text, not as escape sequences.

A cheap regression net for the CLI's module layout: a command whose module, function or
argument went missing fails here before any vault is made.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.cli.parser import build_parser
from kim_tui.sync.identity import (
    CoordinatorPublic,
    kem_public_bytes,
    new_kem_key,
    new_signing_key,
    signing_public,
)

EXPECTED = {
    (),
    ("init",),
    ("demo",),
    ("passwd",),
    ("recover",),
    ("backup",),
    ("restore",),
    ("check",),
    ("import-clients",),
    ("identity",),
    ("connect",),
    ("export",),
    ("colleague",),
    ("colleague", "add"),
    ("colleague", "list"),
    ("handover",),
    ("receive",),
    ("stand-in",),
    ("coordinator",),
    ("coordinator", "init"),
    ("coordinator", "enroll"),
    ("coordinator", "import"),
    ("coordinator", "held"),
    ("coordinator", "passwd"),
    ("coordinator", "recover"),
    ("coordinator", "ui"),
    ("coordinator", "report"),
    ("subject-access",),
    ("processing-record",),
    ("clients",),
    ("retention",),
    ("erase",),
}


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of `parser`, read from the parser itself (the top level is `()`)."""
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _commands(child, (*path, name))
    return found


def test_the_parser_has_every_command() -> None:
    assert set(_commands(build_parser())) == EXPECTED


@pytest.mark.parametrize("command", sorted(EXPECTED), ids=lambda c: " ".join(c) or "kim")
def test_help_exits_0_without_traceback(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    out, err = capsys.readouterr()
    assert exited.value.code == 0
    assert out.startswith(f"Aufruf: kim {' '.join(command)}".rstrip())
    assert "Traceback" not in out + err
    assert err == ""


def test_coordinator_without_a_command_points_to_its_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["coordinator"]) == 2
    assert "kim coordinator {init,enroll,import,held,report,ui,passwd,recover} --help" in (
        capsys.readouterr().err
    )


def test_a_name_from_a_public_key_file_cannot_steer_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pub = CoordinatorPublic(
        "Koordinierung \x1b[2J\x1b]0;owned\x07Kreis",
        kem_public_bytes(new_kem_key()),
        signing_public(new_signing_key()),
    )
    source = tmp_path / "coordinator.pub"
    source.write_bytes(pub.to_json())
    # Such a name is refused when the file is read, before any vault is opened.
    assert main(["connect", str(source), "--fingerprint", "XXXX", "--vault", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert "\x07" not in out + err
    assert out == ""
    assert "Name enthält ein Steuer- oder unsichtbares Zeichen (U+001B an Stelle 15)" in err


def test_the_coordinator_ui_offers_no_passphrase_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app asks for the passphrase on its unlock screen: an option it would ignore is not
    offered (it was, and the unlock screen asked anyway)."""
    with pytest.raises(SystemExit) as exited:
        main(["coordinator", "ui", "--help"])
    assert exited.value.code == 0
    assert "--passphrase-file" not in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["coordinator", "ui", "--dir", str(tmp_path), "--passphrase-file", "pp"])
    assert exited.value.code == 2
    assert "--passphrase-file" in capsys.readouterr().err
