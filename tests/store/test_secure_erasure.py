"""After an erasure no page of the database or its write-ahead log holds the client's text,
not even for someone with the key: every page is decrypted here and searched."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from kim_tui.domain.model import ContactDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.layout import DB_FILE
from kim_tui.store.vault import Vault
from tests.builders import intake_client, new_vault
from tests.conftest import FIXED_TODAY, PASSPHRASE

PAGE = 4096  # SQLCipher 4 default page size
RESERVE = 80  # per page: 16-byte IV + 64-byte HMAC-SHA512
SALT = 16
NAME = "Xylophonikowa"
NOTE = "Quittengeheimnis"


def _decrypted_pages(data: bytes, key: bytes, *, wal: bool = False) -> bytes:
    """Every page of a SQLCipher 4 database (or WAL) file, decrypted with the raw data key."""
    out = bytearray()
    if wal:
        offset, step, skip = 32, PAGE + 24, 24
    else:
        offset, step, skip = 0, PAGE, 0
    number = 0
    while offset + step <= len(data):
        page = data[offset + skip : offset + step]
        number += 1
        start = SALT if (not wal and number == 1) else 0
        iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out += decryptor.update(page[start : PAGE - RESERVE]) + decryptor.finalize()
        offset += step
    return bytes(out)


def _files(directory: Path) -> tuple[bytes, bytes]:
    db = (directory / DB_FILE).read_bytes()
    wal_path = directory / f"{DB_FILE}-wal"
    return db, wal_path.read_bytes() if wal_path.exists() else b""


def test_erased_text_is_in_no_decrypted_page(tmp_path: Path) -> None:
    directory = tmp_path / "vault"
    vault, _recovery = new_vault(directory)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    for i in range(30):
        intake_client(ws, f"Andere{i}", f"Person{i}", date(1980, 1, 1 + i % 28))
    client, case = intake_client(ws, "Olena", NAME, date(1990, 5, 6))
    ws.add_contact(ContactDraft(case, FIXED_TODAY, "phone", 10, note=NOTE))
    key = vault.keyfile.unlock(PASSPHRASE)
    db, wal = _files(directory)
    plain_before = _decrypted_pages(db, key) + _decrypted_pages(wal, key, wal=True)
    assert NAME.encode() in plain_before  # the scan can see the text while it is there
    for raw in (db, wal):
        assert NAME.encode() not in raw and NOTE.encode() not in raw  # never plain on disk

    ws.erase_client(client, "Antrag der Klientin")
    db, wal = _files(directory)
    assert wal == b""  # the log was checkpointed and emptied
    plain = _decrypted_pages(db, key)
    for needle in (NAME, NOTE, NAME.lower()):  # search_key and sort_key are folded copies
        assert needle.encode() not in plain, needle
    assert b"Andere7" in plain  # the others are still there
    ws.close()
    with Vault.open(directory, PASSPHRASE) as reopened:
        assert reopened.check().ok
