"""The Bit-width page in real Chromium on ReLU outputs with percentile calibration: three
charts, clipping marked, and the read-off bit width moved by keyboard.
Screenshots: artifacts/screenshots/bits-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean, slider


def test_bits_sweep_on_relu_with_percentile(open_app):
    pg = open_app("bits?dist=relu&calib=percentile")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 3
    assert pg.locator("[data-testid=stMetric]").count() == 3
    body = pg.locator("[data-testid=stMain]").inner_text()
    assert "At 8 bits" in body and "clipping dominates from" in body
    assert pg.locator(".js-plotly-plot .legendtext").filter(
        has_text="clipping error > rounding error").count() >= 1
    assert pg.shot("bits-relu-percentile").exists()
    thumb = slider(pg, "Bits to read off")
    thumb.focus()
    for _ in range(4):
        pg.keyboard.press("ArrowLeft")
    pg.wait_for_function("document.body.innerText.includes('At 4 bits')", timeout=60_000)
    pg.wait_idle()
    assert_clean(pg)
    assert "bits=4" in pg.url
