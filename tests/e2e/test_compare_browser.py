"""The Compare page in real Chromium: the notes' example loads on ReLU outputs, and a third
configuration adds a column of figures. Screenshots: artifacts/screenshots/compare-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean, titles


def test_compare_loads_the_notes_example_and_takes_a_third_config(open_app):
    pg = open_app("compare")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 6
    assert pg.locator("[data-testid=stDataFrame]").count() == 1
    assert "Tensor: ReLU activations, 100,000 values." in pg.locator(
        "[data-testid=stCaptionContainer]").all_inner_texts()
    shown = titles(pg)
    assert "230/256 codes, 7.85 bits" in shown and "120/256 codes, 6.91 bits" in shown
    assert "cannot reach 128 of its 256 codes" in pg.locator(
        "[data-testid=stAlertContentInfo]").inner_text()
    assert pg.shot("compare-default").exists()
    group = pg.locator("[data-testid=stSidebar] [data-testid=stButtonGroup]").filter(
        has_text="Configurations")
    group.get_by_role("radio", name="3", exact=True).click()
    pg.wait_idle()
    pg.wait_for_function("document.querySelectorAll('.js-plotly-plot').length === 9",
                         timeout=60_000)
    assert_clean(pg)
    assert "configs=3" in pg.url
    assert pg.shot("compare-three").exists()
