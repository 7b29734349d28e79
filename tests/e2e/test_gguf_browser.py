"""The GGUF page in real Chromium: the LLM-weights preset, every chart drawn, the tables.
Screenshots: artifacts/screenshots/gguf-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean, titles, wait_until


def test_gguf_on_llm_weights(open_app):
    pg = open_app("gguf")
    assert_clean(pg)
    pg.get_by_role("button", name="LLM weights (normal, σ = 0.02)").click()
    pg.wait_idle()
    wait_until(pg, lambda: "normal.std=0.02" in pg.url, "gguf-preset")
    assert_clean(pg)
    shown = titles(pg)
    for title in ("SQNR against bits per weight: GGUF types beside the number formats",
                  "Super-block 0: x and the stored x_hat",
                  "Sub-block 0 of block 0: the error of each candidate"):
        assert title in shown, shown
    assert pg.locator(".js-plotly-plot").count() == 3
    text = pg.locator("[data-testid=stMain]").inner_text()
    assert "Not k-means" in text and "The search buys" in text
    pg.set_viewport_size({"width": 1400, "height": 5200})
    pg.wait_idle()
    assert pg.shot("gguf-whole").exists()
