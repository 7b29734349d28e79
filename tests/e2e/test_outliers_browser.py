"""The Outliers page in real Chromium: the SmoothQuant picture loads, and the LLM.int8()
preset changes what is kept in float16. Screenshots: artifacts/screenshots/outliers-*.png."""

from __future__ import annotations

from quantviz.studies import outliers as o
from tests.e2e.browser import assert_clean, metrics, titles


def test_outliers_page_loads_and_a_preset_changes_it(open_app):
    pg = open_app("outliers")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 4
    assert {"SQNR against alpha", "max |x| of each channel of X"} <= set(titles(pg))
    lay = o.make_layer()
    assert metrics(pg)["SQNR of Y, mixed"] == f"{o.mixed_precision(lay).sqnr_y:.2f} dB"
    assert pg.shot("outliers-default").exists()
    pg.get_by_role("button", name="LLM.int8()'s picture").click()
    pg.wait_idle()
    m = o.mixed_precision(o.make_layer(outliers=6, magnitude=20.0))
    pg.wait_for_function(
        "t => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText === t)", arg=f"{m.sqnr_y:.2f} dB", timeout=60_000)
    assert metrics(pg)["Channels kept in float16"] == f"{len(m.kept)} / 256"
    assert "ol_count=6" in pg.url
    assert_clean(pg)
    assert pg.shot("outliers-llm-int8").exists()
