"""Each regime names its own articles; every regime answers every citation key."""

from __future__ import annotations

import pytest

from kim_tui.domain.regime import DEFAULT_REGIME, REGIME_CODES, regime, regimes


def test_access_right_is_cited_per_regime() -> None:
    assert regime("dsgvo").cite("access") == "Art. 15 DSGVO"
    assert regime("kdg").cite("access") == "§ 17 KDG"
    assert regime("dsg-ekd").cite("access") == "§ 19 DSG-EKD"
    assert regime("dsgvo").cite("access", "en") == "Art. 15 GDPR"


def test_every_regime_has_every_citation() -> None:
    keys = set(regime(DEFAULT_REGIME).citations)
    assert REGIME_CODES == ("dsgvo", "dsgvo-nrw", "kdg", "dsg-ekd")
    for each in regimes():
        assert set(each.citations) == keys, each.code


def test_unknown_regime_is_refused() -> None:
    with pytest.raises(KeyError):
        regime("hipaa")
