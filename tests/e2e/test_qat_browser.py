"""The QAT page in real Chromium: the one-weight figures and the default run at first sight,
then the Train button running 5 epochs with its progress bar. Screenshots:
artifacts/screenshots/qat-*.png."""

from __future__ import annotations

import time

from tests.e2e.browser import assert_clean, metrics, titles, wait_until


def test_qat_trains_in_the_browser(open_app):
    start = time.monotonic()
    pg = open_app("qat?qat.epochs=5")
    first = time.monotonic() - start
    assert_clean(pg)
    shown = titles(pg)
    assert "The loss along w: a staircase" in shown and "Gradients along w" in shown
    assert metrics(pg)["STE dL/dw"] == "0.1"
    # 5 epochs are more than the page runs on sight: it waits for the button
    assert "press Train" in pg.locator("[data-testid=stMain]").inner_text()
    pg.locator("button").filter(has_text="Train 5 epochs").click()
    wait_until(pg, lambda: "STE after 5 epochs" in metrics(pg), "qat-train-failed", 60)
    pg.wait_idle()
    assert_clean(pg)
    assert "5 of 5 epochs" in pg.locator("[data-testid=stProgress]").inner_text()
    assert {"Test accuracy per epoch", "Each quantizer's scale",
            "Oscillations per epoch"} <= set(titles(pg))
    assert pg.shot("qat-trained").exists()
    assert first < 60
