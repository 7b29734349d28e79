"""The Toolchains page in real Chromium on ReLU outputs: the table of six toolchains, the
comparison and the snippets. Screenshot: artifacts/screenshots/toolchains-*.png."""

from __future__ import annotations

from tests.e2e.browser import assert_clean


def test_toolchains_on_relu(open_app):
    pg = open_app("toolchains?dist=relu&tc.b=tensorrt")
    assert_clean(pg)
    assert pg.locator("[data-testid=stTable]").count() == 3
    body = pg.locator("[data-testid=stMain]").inner_text()
    assert "PyTorch x86 PTQ and TensorRT (ModelOpt) reconstruct" in body
    assert "Copy as code" in body and "corner cases" in body
    assert pg.locator("[data-testid=stExpander]").count() == 6
    assert pg.shot("toolchains-relu").exists()
