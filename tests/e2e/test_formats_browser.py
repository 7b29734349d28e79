"""The Formats page in real Chromium: the LLM-weights preset, every chart drawn, a format
picked in the sidebar. Screenshots: artifacts/screenshots/formats-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean, metrics, pick, titles, wait_until


def test_formats_on_llm_weights(open_app):
    pg = open_app("formats")
    assert_clean(pg)
    pg.get_by_role("button", name="LLM weights").click()
    pg.wait_idle()
    wait_until(pg, lambda: "normal.std=0.02" in pg.url, "formats-preset")
    assert_clean(pg)
    assert list(metrics(pg)) == ["FP8 E4M3", "MXFP4", "NF4", "INT4 g128 fp16"]
    shown = titles(pg)
    for title in ("Values x and each format's grid",
                  "Mapping x -> x_hat", "RMS of x_hat - x against |x|",
                  "SQNR against bits per value, every format"):
        assert title in shown, shown
    assert any(t.startswith("FP8 E4M3:") and "number codes used" in t for t in shown)
    assert pg.locator(".js-plotly-plot").count() == 6
    assert pg.shot("formats-llm").exists()
    pg.set_viewport_size({"width": 1400, "height": 4200})  # the lower sections in one shot
    pg.wait_idle()
    assert pg.shot("formats-whole").exists()
    pg.set_viewport_size({"width": 1400, "height": 1800})
    pick(pg, "Format 2", "NVFP4")
    wait_until(pg, lambda: "NVFP4" in metrics(pg), "formats-nvfp4")
    assert_clean(pg)
    assert "fmt2=nvfp4" in pg.url
    assert pg.shot("formats-nvfp4").exists()


def test_formats_in_chinese_on_relu(open_app):
    pg = open_app("formats?lang=zh&dist=relu&fmt3=none&fmt4=none")
    assert_clean(pg)
    assert list(metrics(pg)) == ["FP8 E4M3", "MXFP4"]
    assert "学习：网格为何不同" in pg.locator("[data-testid=stMain]").inner_text()
    pg.set_viewport_size({"width": 1400, "height": 4200})
    pg.wait_idle()
    assert pg.shot("formats-zh-relu").exists()
