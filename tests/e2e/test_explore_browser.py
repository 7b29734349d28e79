"""The Explore page in real Chromium: it loads, the keyboard moves the bits slider, an upload
replaces the tensor, and a shared link restores the view, even as the first request after a
start. Screenshots go to artifacts/screenshots/explore-*.png."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.e2e.browser import (
    assert_clean,
    captions,
    go_to,
    metrics,
    nav_sections,
    serve_app,
    slider,
    titles,
    wait_until,
)


def test_the_page_loads_without_error(open_app):
    pg = open_app("explore")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 4
    assert len(metrics(pg)) == 8
    # the worked example in PyTorch's convention; the notes' waits in its closed expander
    assert pg.locator(".katex").count() >= 1
    assert "Tensor: Normal, 100,000 values." in captions(pg)
    assert pg.shot("explore-default").exists()


def test_the_bits_slider_moves_by_keyboard(open_app):
    pg = open_app("explore")
    assert any("of 256" in t for t in titles(pg))
    thumb = slider(pg, "Bits")
    assert thumb.get_attribute("value") == "8"
    thumb.focus()
    for _ in range(4):
        pg.keyboard.press("ArrowLeft")
    pg.wait_idle()
    title = wait_until(pg, lambda: [t for t in titles(pg) if "of 16," in t], "explore-failed")
    assert title[0].startswith("Integer codes used:")
    assert thumb.get_attribute("value") == "4"
    assert metrics(pg)["codes used"].endswith("/ 16")
    assert "bits=4" in pg.url
    assert_clean(pg)
    pg.shot("explore-bits-4")


def test_bits_come_back_from_a_page_without_them(open_app):
    # the navigation opens a page without the query string: the session carries Bits over
    # a page that does not draw them, and the slider shows the value it kept
    pg = open_app("explore")
    thumb = slider(pg, "Bits")
    thumb.focus()
    for _ in range(3):
        pg.keyboard.press("ArrowLeft")
    pg.wait_idle()
    wait_until(pg, lambda: metrics(pg)["codes used"].endswith("/ 32"), "explore-failed")
    go_to(pg, "Outliers")
    pg.wait_idle()
    assert "/outliers" in pg.url and slider(pg, "Bits").count() == 0
    go_to(pg, "Explore")
    pg.wait_idle()
    assert "/explore" in pg.url
    assert slider(pg, "Bits").get_attribute("value") == "5"
    wait_until(pg, lambda: metrics(pg)["codes used"].endswith("/ 32"), "explore-failed")
    assert_clean(pg)


def test_an_upload_replaces_the_tensor(open_app, tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.linspace(-3, 3, 777, dtype=np.float32))
    pg = open_app("explore?src=upload")
    pg.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    pg.wait_idle()
    wait_until(pg, lambda: "Tensor: weights from weights.npy, 777 values." in captions(pg),
               "explore-failed")
    assert metrics(pg)["calibrated [x_min, x_max]"] == "[-3, 3]"
    assert_clean(pg)
    pg.shot("explore-upload")


def test_a_refused_upload_says_why_and_keeps_the_tensor(open_app, tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([1, "a"], dtype=object), allow_pickle=True)
    path = tmp_path / "objects.npy"
    path.write_bytes(buffer.getvalue())
    pg = open_app("explore?src=upload")
    pg.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    pg.wait_idle()
    error = wait_until(pg, lambda: pg.locator("[data-testid=stAlertContentError]")
                       .all_inner_texts(), "explore-failed")
    assert "Python objects" in error[0]
    assert "Tensor: Normal, 100,000 values." in captions(pg)
    assert pg.locator("[data-testid=stException]").count() == 0
    pg.shot("explore-upload-refused")


def check_shared_view(pg) -> None:
    """The controls and metrics of explore?bits=3&scheme=symmetric&signed=1."""
    assert slider(pg, "Bits").get_attribute("value") == "3"
    scheme = pg.locator("[data-testid=stSidebar] [role=radiogroup][aria-label=Scheme]")
    checked = scheme.locator("[role=radio][aria-checked=true]").inner_text()
    assert checked.strip() == "Symmetric"
    signed = pg.locator("[data-testid=stSidebar] [data-testid=stCheckbox]").filter(
        has_text="Signed integers")
    assert signed.locator("input").is_checked()
    shown = metrics(pg)
    assert shown["zero_point"] == "Z = 0"
    assert shown["codes used"].endswith("/ 8")
    assert any("of 8," in t for t in titles(pg))


def test_chinese_in_presentation_mode(open_app):
    pg = open_app("explore?lang=zh&present=1")
    assert pg.locator("h1").first.inner_text().startswith("探索")
    assert "已用整数码" in " ".join(titles(pg))
    # presentation mode starts with the sidebar folded and the text enlarged
    assert pg.locator("[data-testid=stSidebar]").get_attribute("data-collapsed") == "true"
    def px(selector: str) -> float:
        return pg.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")

    value, label = px("[data-testid=stMetricValue] p"), px("[data-testid=stMetricLabel] p")
    assert value > 40 and value > 1.5 * label  # the numbers read from the back of the room
    assert_clean(pg)
    pg.shot("explore-zh-presentation")


@pytest.fixture
def fresh_app():
    """A new server whose first request is the test's own (the shared app_url has served
    others already). Yields its base URL."""
    with serve_app() as url:
        yield url


def test_a_shared_link_restores_the_view_even_as_the_first_request(fresh_app, page, open_app):
    # Streamlit runs pages/*.py alone (file names in the sidebar, no page config) until
    # st.navigation has run once; the first link opened must still get app.py's navigation,
    # with no "Page not found" for /explore.
    page.goto(f"{fresh_app}/explore?bits=3&scheme=symmetric&signed=1")
    page.wait_idle()
    # app.py's navigation: its four sections, not the bare file names of pages/
    assert nav_sections(page) == ["Learn the basics", "Calibrate and choose granularity",
                                  "Toolchains and formats", "Layers, networks and LLMs"]
    width = page.locator("[data-testid=stMainBlockContainer]").bounding_box()["width"]
    assert width > 900  # the wide layout of app.py's page config
    check_shared_view(page)
    assert_clean(page)
    page.shot("explore-shared-link")
