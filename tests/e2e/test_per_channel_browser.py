"""The Per-channel page in real Chromium: the synthetic layer loads, then a .safetensors
checkpoint built here is uploaded through the file chooser and explored tensor by tensor.
The trade-off chart's names are measured as drawn, at a phone's width, at 1280 px and on a
projector. Screenshots go to artifacts/screenshots/per-channel-*.png."""

from __future__ import annotations

import numpy as np
import pytest
from safetensors.numpy import save as save_safetensors

from quantviz.distributions import weight_matrix
from quantviz.quantize import QuantConfig
from quantviz.studies import granularity
from tests.e2e.browser import assert_clean, captions, metrics, pick, titles, wait_until


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
               "per-channel-failed-upload")
    cfg = QuantConfig()
    comp = granularity.compare(tensors["encoder.fc.weight"], cfg, 0)
    assert metrics(pg)["SQNR per channel"] == f"{comp.per_channel.sqnr_db:.2f} dB"
    assert metrics(pg)["SQNR per group of 128"] == f"{comp.group(128).sqnr_db:.2f} dB"
    assert_clean(pg)
    pg.shot("per-channel-upload")

    # another tensor: a 10 x 64 head, whose rows are too short for groups of 128
    pick(pg, "Tensor (name, shape, dtype)", "head.weight")
    wait_until(pg, lambda: "Tensor head.weight from tiny.safetensors" in captions(pg),
               "per-channel-failed-pick")
    head = granularity.compare(tensors["head.weight"], cfg, 0)
    assert metrics(pg)["SQNR per channel"] == f"{head.per_channel.sqnr_db:.2f} dB"
    warning = pg.locator("[data-testid=stAlertContentWarning]").first.inner_text()
    assert "64 = 0 × 128 + 64" in warning and "Group sizes that fit: 16, 32, 64." in warning

    # a bias has one dimension: the page explains instead of plotting
    pick(pg, "Tensor (name, shape, dtype)", "encoder.fc.bias")
    info = wait_until(pg, lambda: [t for t in pg.locator("[data-testid=stAlertContentInfo]")
                                   .all_inner_texts() if "one dimension" in t],
                      "per-channel-failed-bias")
    assert "[48]" in info[0]
    assert pg.locator(".js-plotly-plot").count() == 0
    assert_clean(pg)
    pg.shot("per-channel-one-dimension")


#: The trade-off chart's names, tick labels and markers as drawn (px, page coordinates), and
#: whether each name's join line was drawn (plotly.js leaves it out in some geometries).
TRADEOFF_GEOMETRY = """(plot) => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom]; };
  return {
    names: [...plot.querySelectorAll('g.annotation')].map(a => ({
      text: a.textContent, box: box(a.querySelector('.annotation-text-g')),
      joined: a.querySelector('.annotation-arrow-g path') !== null})),
    ticks: [...plot.querySelectorAll('.xtick text, .ytick text')].map(t => box(t)),
    markers: [...plot.querySelectorAll('.scatterlayer .point')].map(p => box(p)),
    plot: box(plot.querySelector('.draglayer .nsewdrag')),
  };
}"""


def _meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("width", "query"), [(390, ""), (1280, ""), (1280, "?present=1")],
                         ids=["phone", "desktop", "projector"])
def test_the_tradeoff_names_meet_nothing(browser, app_url, width, query):
    # at 390 and 1280 px the names "channel = g256" and "MXFP8 E4M3" met between the markers
    # and "FP8 E5M2" sat on the x tick labels; now no two names meet, none meets a tick label
    # or a marker, every name lies inside the plot area and is joined to its marker
    from tests.e2e.conftest import screenshot, wait_for_app

    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    try:
        pg.goto(f"{app_url}/per_channel{query}")
        wait_for_app(pg)
        plot = pg.locator(".js-plotly-plot").filter(
            has_text="SQNR against the cost of the parameters")
        plot.scroll_into_view_if_needed()
        drawn = plot.evaluate(TRADEOFF_GEOMETRY)
        names = drawn["names"]
        assert len(names) == 10  # tensor, channel = g256, g128 ... g16, four FP8 formats
        for i, a in enumerate(names):
            assert a["joined"], a["text"]
            left, top, right, bottom = drawn["plot"]
            assert left <= a["box"][0] and a["box"][2] <= right, a["text"]
            assert top <= a["box"][1] and a["box"][3] <= bottom, a["text"]
            for b in names[i + 1:]:
                assert not _meet(a["box"], b["box"]), (a["text"], b["text"])
            assert not any(_meet(a["box"], t) for t in drawn["ticks"]), a["text"]
            assert not any(_meet(a["box"], m) for m in drawn["markers"]), a["text"]
        name = {390: "phone", 1280: "desktop"}[width] + ("-projector" if query else "")
        plot.screenshot(path=str(screenshot(pg, f"per-channel-tradeoff-{name}").parent
                                 / f"per-channel-tradeoff-{name}-chart.png"))
    finally:
        context.close()
