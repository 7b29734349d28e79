"""The Model page in real Chromium: the digits network at 4 bits, its charts, the mistakes as
8x8 images, and the bit width moved by keyboard to 8. Screenshots:
artifacts/screenshots/model-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean, metrics, slider, titles, wait_until


def test_model_page_at_four_then_eight_bits(open_app):
    pg = open_app("model")
    assert_clean(pg)
    # which layer hurts draws its KL chart at once; the budget waits for its button
    assert sorted(titles(pg)) == ["Agreement with the float network against bits",
                                  "Label: quantized answer, float answer",
                                  "Mean KL from float, one layer rounded at a time",
                                  "Test accuracy against bits",
                                  "Test accuracy with one layer quantized"]
    shown = metrics(pg)
    assert shown["Float accuracy"] == "96.89 %"
    assert shown["Same answer as fake quantization"] == "450 / 450"
    # the mistakes: one heat map, each image titled "label: q answer, float answer"
    grid = pg.locator(".js-plotly-plot").filter(has_text="Label: quantized answer")
    assert grid.locator(".heatmaplayer").count() == 1
    assert grid.locator(".annotation-text").filter(has_text="float").count() >= 1
    assert pg.locator("[data-testid=stTable]").count() == 6  # formats and which layer hurts too
    body = pg.locator("[data-testid=stMain]").inner_text()
    assert "Number formats on the same axis" in body and "MXFP4" in body
    assert pg.shot("model-4-bits").exists()
    thumb = slider(pg, "Bits (weights and activations)")
    thumb.focus()
    for _ in range(4):
        pg.keyboard.press("ArrowRight")
    wait_until(pg, lambda: metrics(pg).get("Quantized accuracy") == "96.89 %", "model-8-fail",
               timeout_s=60)
    pg.wait_idle()
    assert_clean(pg)
    assert "mbits=8" in pg.url
    body = pg.locator("[data-testid=stMain]").inner_text()
    assert "no layer changes a single answer" in body
    assert pg.shot("model-8-bits").exists()
