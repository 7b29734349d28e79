"""The Layer page in real Chromium: the default layer loads with its pipeline, and switching on
reduce_range gives 7-bit activation codes. Screenshots: artifacts/screenshots/layer-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean, metrics, titles


def test_layer_page_loads_and_reduce_range_gives_7_bit_codes(open_app):
    pg = open_app("layer")
    pg.wait_for_function("document.querySelectorAll('.js-plotly-plot').length === 3",
                         timeout=60_000)
    assert_clean(pg)
    shown = titles(pg)
    assert "Sums of two neighbouring products, against int16" in shown
    assert "SQNR of each output channel" in shown
    m = metrics(pg)
    assert m["Saturated pairs, 7-bit X"] == "0"
    assert int(m["Saturated pairs, 8-bit X"].replace(",", "")) > 0
    assert "of 0..255 (8 bits)" in pg.locator("[data-testid=stMain]").inner_text()
    assert pg.shot("layer-default").exists()
    pg.locator("[data-testid=stSidebar] [data-testid=stCheckbox]").filter(
        has_text="reduce_range").locator("label").click()
    pg.wait_idle()
    pg.wait_for_function("location.search.includes('ly_rr=1')", timeout=60_000)
    pg.wait_for_function(
        "document.querySelector('[data-testid=stMain]').innerText.includes('of 0..127 (7 bits)')",
        timeout=60_000)
    assert_clean(pg)
    assert pg.shot("layer-reduce-range").exists()
