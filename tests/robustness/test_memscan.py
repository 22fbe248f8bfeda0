"""The memory scan behind the key-memory checks skips pages the process never touched, and
still finds a secret written into one page of a large, otherwise untouched buffer."""

from __future__ import annotations

import pytest

from tests.memscan import count_in_memory, passphrase_needles, scan_unavailable
from tests.robustness.key_memory_checks import _random_chars

pytestmark = pytest.mark.skipif(scan_unavailable() is not None, reason=str(scan_unavailable()))


def test_a_secret_in_one_page_of_a_large_untouched_buffer_is_found() -> None:
    chars = _random_chars()
    needles = passphrase_needles(chars)
    # 48 MiB of zeros: a mapping of its own whose pages are not touched until written.
    buffer = bytearray(48 << 20)
    offset = (29 << 20) + 4093  # across a page boundary
    head, tail = needles["passphrase (utf-8)"].head, needles["passphrase (utf-8)"].tail
    buffer[offset : offset + len(head)] = head
    buffer[offset + len(head) : offset + len(head) + len(tail)] = tail
    assert count_in_memory(needles)["passphrase (utf-8)"] == 1
    buffer[offset : offset + len(head) + len(tail)] = bytes(len(head) + len(tail))
    assert count_in_memory(needles)["passphrase (utf-8)"] == 0
