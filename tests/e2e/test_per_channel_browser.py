"""The Per-channel page in real Chromium: the synthetic layer loads, then a .safetensors
checkpoint built here is uploaded through the file chooser and explored tensor by tensor.
Screenshots go to artifacts/screenshots/per-channel-*.png."""

from __future__ import annotations

import time

import numpy as np
from safetensors.numpy import save as save_safetensors

from quantviz import granularity
from quantviz.distributions import weight_matrix
from quantviz.quantize import QuantConfig


def metrics(pg) -> dict[str, str]:
    out = {}
    for m in pg.locator("[data-testid=stMetric]").all():
        out[m.locator("[data-testid=stMetricLabel]").inner_text().strip()] = (
            m.locator("[data-testid=stMetricValue]").inner_text().strip())
    return out


def titles(pg) -> list[str]:
    return [t.text_content() for t in pg.locator(".js-plotly-plot .gtitle").all()]


def captions(pg) -> str:
    return "\n".join(pg.locator("[data-testid=stCaptionContainer]").all_inner_texts())


def wait_until(pg, predicate, name: str, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        pg.wait_for_timeout(200)
    pg.shot(f"per-channel-failed-{name}")
    raise AssertionError(f"the page did not reach {name}; metrics: {metrics(pg)}")


def assert_clean(pg) -> None:
    assert pg.locator("[role=dialog]").all_inner_texts() == []  # e.g. "Page not found"
    assert pg.locator("[data-testid=stException]").count() == 0
    assert pg.locator("[data-testid=stAlertContentError]").count() == 0
    assert pg.js_errors == []


def pick(pg, label: str, option: str) -> None:
    """Choose ``option`` in the sidebar selectbox labelled ``label``."""
    box = pg.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text=label)
    box.locator("[role=combobox]").click()
    pg.locator("[role=option]").filter(has_text=option).first.click()
    pg.wait_idle()


def test_the_synthetic_layer_loads(open_app):
    pg = open_app("per_channel")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 4
    assert set(titles(pg)) == {"[x_min, x_max] of each channel", "SQNR of each channel (dB)",
                               "SQNR against the cost of the parameters",
                               "Largest |x| of each group of 128"}
    comp = granularity.compare(weight_matrix(), QuantConfig(), 0)
    assert metrics(pg)["SQNR per channel"] == f"{comp.per_channel.sqnr_db:.2f} dB"
    assert pg.shot("per-channel-default").exists()


def test_a_safetensors_checkpoint_through_the_file_chooser(open_app, tmp_path):
    rng = np.random.default_rng(3)
    tensors = {
        "encoder.fc.weight": (rng.standard_normal((48, 128)) * np.geomspace(0.01, 1, 48)[:, None])
        .astype(np.float32),
        "encoder.fc.bias": rng.standard_normal(48).astype(np.float32),
        "head.weight": rng.standard_normal((10, 64)).astype(np.float32),
    }
    path = tmp_path / "tiny.safetensors"
    path.write_bytes(save_safetensors(tensors))

    pg = open_app("per_channel?pc_src=upload")
    infos = pg.locator("[data-testid=stAlertContentInfo]").all_inner_texts()
    assert any(t.startswith("No checkpoint yet") for t in infos)
    with pg.expect_file_chooser() as chooser:
        pg.locator("[data-testid=stFileUploaderDropzone] button").first.click()
    chooser.value.set_files(str(path))
    pg.wait_idle()
    wait_until(pg, lambda: "Tensor encoder.fc.weight from tiny.safetensors" in captions(pg),
               "upload")
    cfg = QuantConfig()
    comp = granularity.compare(tensors["encoder.fc.weight"], cfg, 0)
    assert metrics(pg)["SQNR per channel"] == f"{comp.per_channel.sqnr_db:.2f} dB"
    assert metrics(pg)["SQNR per group of 128"] == f"{comp.group(128).sqnr_db:.2f} dB"
    assert_clean(pg)
    pg.shot("per-channel-upload")

    # another tensor: a 10 x 64 head, whose rows are too short for groups of 128
    pick(pg, "Tensor (name, shape, dtype)", "head.weight")
    wait_until(pg, lambda: "Tensor head.weight from tiny.safetensors" in captions(pg), "pick")
    head = granularity.compare(tensors["head.weight"], cfg, 0)
    assert metrics(pg)["SQNR per channel"] == f"{head.per_channel.sqnr_db:.2f} dB"
    warning = pg.locator("[data-testid=stAlertContentWarning]").first.inner_text()
    assert "64 = 0 × 128 + 64" in warning and "Group sizes that fit: 16, 32, 64." in warning

    # a bias has one dimension: the page explains instead of plotting
    pick(pg, "Tensor (name, shape, dtype)", "encoder.fc.bias")
    info = wait_until(pg, lambda: [t for t in pg.locator("[data-testid=stAlertContentInfo]")
                                   .all_inner_texts() if "one dimension" in t], "bias")
    assert "[48]" in info[0]
    assert pg.locator(".js-plotly-plot").count() == 0
    assert_clean(pg)
    pg.shot("per-channel-one-dimension")
