"""The Phillips & Ahmad synthetic world: seeded draws and paired route injection (moved here from the gravity
estimator tests, which now live in tests/methods/ on their own simulated panel)."""
import numpy as np
import pytest

from helpers.chapters.phillips_ahmad import synth as S


def test_generator_is_seeded_and_injection_is_paired():
    a = S.SyntheticWorld(seed=5, n_generic=5)
    b = S.SyntheticWorld(seed=5, n_generic=5)
    ya, rec = a.draw_trade("Machinery")
    yb, _ = b.draw_trade("Machinery")
    assert np.array_equal(ya, yb)
    y0, _ = a.draw_trade("Machinery", inject=False)
    assert np.isclose(ya.sum(), y0.sum() + rec["amount"].sum())   # diverted once, added on two legs
    y1, _ = a.draw_trade("Machinery", inject=False)                # the kept last draw: same values, read-only
    assert np.array_equal(y1, y0) and not y1.flags.writeable
    with pytest.raises(ValueError, match="Route"):
        S.SyntheticWorld(seed=1, n_generic=2, routes=(("CHN", "XXX", "USA", 2018, 0.1),))
    with pytest.raises(ValueError, match="theta"):
        S.SyntheticWorld(seed=1, n_generic=2, theta={"nonsense": 1.0})
