"""The PTQ page in real Chromium: the four-way table and its figures load, and the GPTQ
scrubber moves the step. Screenshots: artifacts/screenshots/ptq-*.png."""

from __future__ import annotations

from quantviz.studies import ptq as lab
from tests.e2e.browser import assert_clean, metrics, titles


def test_ptq_page_loads_and_the_scrubber_moves(open_app):
    pg = open_app("ptq")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 4
    assert {"Errors as multiples of RTN's (log scale)",
            "AWQ's search: output error against ratio"} <= set(titles(pg))
    steps = lab.gptq_steps(lab.digits_layer(0), 3, -1, False)
    assert metrics(pg)["IST-DASLab/gptq “error”"] == f"{steps.error:.4g}"
    body = pg.locator("[data-testid=stMain]").inner_text()
    assert "The smallest weight error is not the smallest output error." in body
    assert pg.shot("ptq-default").exists()
    thumb = pg.locator("[data-testid=stMain] [data-testid=stSlider]").filter(
        has_text="Step").locator("input[type=range]")
    thumb.focus()
    for _ in range(4):
        pg.keyboard.press("ArrowRight")
    pg.wait_for_function("document.body.innerText.includes('Step 5 rounds input column 5')",
                         timeout=60_000)
    pg.wait_idle()
    assert_clean(pg)
    assert pg.shot("ptq-step-5").exists()
