"""The Compare page in real Chromium: the notes' example loads on ReLU outputs, and a third
configuration adds a column of figures. Screenshots: artifacts/screenshots/compare-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean, titles


def test_compare_loads_the_notes_example_and_takes_a_third_config(open_app):
    pg = open_app("compare")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 6
    assert pg.locator("[data-testid=stTable]").count() == 1
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


def test_a_config_panel_stays_open_while_its_bits_move(open_app):
    # The panel's label names the config ("uint8 ..."), so it changes with every move; the
    # panel must stay open under the student's hand, not fold after each step.
    pg = open_app("compare")
    panel = pg.locator("[data-testid=stExpander]").first
    label = panel.locator("summary").inner_text()
    panel.locator("summary").click()
    thumb = panel.locator("[data-testid=stSlider]").filter(has_text="Bits").locator(
        "input[type=range]")
    thumb.focus()
    for _ in range(4):
        pg.keyboard.press("ArrowLeft")
        pg.wait_idle()
    assert panel.locator("summary").inner_text() != label  # it names the new config
    assert panel.locator("details").get_attribute("open") is not None
    assert thumb.is_visible() and thumb.get_attribute("value") == "4"
    assert_clean(pg)
