"""The Calibration page in real Chromium on ReLU outputs: every calibrator's range, the
table, the trade-off curve and the stream. Screenshot: artifacts/screenshots/calibration-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean


def test_calibration_on_relu(open_app):
    pg = open_app("calibration?dist=relu")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 3
    assert pg.locator("[data-testid=stTable]").count() == 1
    legend = [t.text_content() for t in
              pg.locator(".js-plotly-plot").first.locator(".legendtext").all()]
    assert legend == ["count of x", "MinMax", "Moving-average MinMax", "Percentile",
                      "Minimum MSE", "Entropy (KL)", "Histogram (PyTorch)"]
    body = pg.locator("[data-testid=stMain]").inner_text()
    assert "Weights are fixed" in body and "Least MSE on the curve" in body
    assert pg.locator("[data-testid=stMetric]").count() == 2
    assert pg.shot("calibration-relu").exists()
