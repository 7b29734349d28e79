"""The PTQ page under Streamlit's AppTest: numbers from the studies, each control, uploads."""

from __future__ import annotations

import io

import numpy as np
import pytest

from quantviz.studies import ptq as lab
from tests.helpers import charts_by_title, en, markdown, metric, ok, rendered, upload, zh


@pytest.fixture
def page(run_page):
    return lambda **query: run_page("ptq", query)


def rows(at) -> list[dict]:
    return at.table[0].value.to_dict("records")


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_defaults_show_the_studys_numbers(page):
    at = page()
    case = lab.digits_layer(0)
    result = lab.lab(case, 3, -1)
    table = rows(at)
    assert [r["Method"] for r in table] == ["RTN", "GPTQ", "GPTQ act_order", "AWQ", "HQQ"]
    assert [r["Output error"] for r in table] == [f"{r.output_mse:.3g}" for r in result.results]
    assert [r["Weight error"] for r in table] == [f"{r.weight_mse:.3g}" for r in result.results]
    text = markdown(at)
    # the point of the page, with the study's methods
    assert "The smallest weight error is not the smallest output error" in text
    assert result.least_weight_error.method == "rtn"
    steps = lab.gptq_steps(case, 3, -1, False)
    assert metric(at, en("ptq.loss.ist")) == f"{steps.error:.4g}"
    assert metric(at, en("ptq.loss.auto")) == f"{steps.error / 320:.4g}"
    assert "IST-DASLab/gptq" in text and "GPTQModel" in text and "T² times" in text
    # the scrubber starts at the first column that is not dead (pixel 0 is always blank)
    assert at.slider(key="pq_step").value == 1
    assert set(charts_by_title(at)) == {en("ptq.fig.four"), en("ptq.fig.steps"),
                                        en("ptq.fig.awq"), en("ptq.fig.scales")}
    view = lab.awq_view(case, 3, -1)
    assert en("ptq.awq.say", ratio=f"{view.ratio:g}", gain=f"{view.gain:.2f}",
              salient=", ".join(map(str, view.salient)),
              s=", ".join(f"{view.scales[i]:.2f}" for i in view.salient)) in text
    assert at.query_params == {}


def test_chinese(page):
    at = page(lang="zh")
    assert at.title[0].value == zh("ptq.title")
    assert rows(at)[0]["方法"] == "RTN"
    assert "权重误差最小的，输出误差并不最小" in markdown(at)


def test_the_scrubber_moves_the_step(page):
    at = page()
    at.slider(key="pq_step").set_value(10).run()
    ok(at)
    steps = lab.gptq_steps(lab.digits_layer(0), 3, -1, False)
    assert en("ptq.steps.say", k=10, column=10, rms=f"{steps.rounding_rms[10]:.3g}",
              loss=f"{steps.loss[10]:.3g}") in markdown(at)
    spec = charts_by_title(at)[en("ptq.fig.steps")]
    assert spec["layout"]["shapes"][0]["x0"] == 10
    at.slider(key="pq_step").set_value(63).run()
    assert en("ptq.steps.last") in markdown(at)


def test_act_order_and_groups(page):
    at = page(pq_group=32, pq_act=1, pq_bits=4)
    steps = lab.gptq_steps(lab.digits_layer(0), 4, 32, True)
    text = markdown(at)
    assert en("ptq.act.groups", group=32, scattered=steps.scattered, cols=64,
              groups=2) in text
    assert int(steps.perm[at.slider(key="pq_step").value]) in range(64)
    assert metric(at, en("ptq.loss.ist")) == f"{steps.error:.4g}"


def test_each_layer_and_the_group_fallback(page):
    at = page(pq_layer=2, pq_group=32)
    # fc3 has 32 inputs: groups of 32 are its rows
    assert "Layer **fc3**" in markdown(at)
    assert en("ptq.group.fallback", group=32, inputs=32) in [c.value for c in at.sidebar.caption]
    at.button_group(key="pq_layer").set_value(1).run()
    ok(at)
    assert "Layer **fc2**" in markdown(at)
    at.selectbox(key="pq_bits").set_value(2).run()
    ok(at)
    result = lab.lab(lab.digits_layer(1), 2, 32)
    assert [r["Output error"] for r in rows(at)] == [f"{r.output_mse:.3g}"
                                                    for r in result.results]


def test_the_synthetic_layer(page):
    at = page(pq_src="synthetic", pq_count=2, pq_bits=4)
    case = lab.outlier_layer(2, 100.0, 0)
    result = lab.lab(case, 4, -1)
    assert [r["Output error"] for r in rows(at)] == [f"{r.output_mse:.3g}"
                                                    for r in result.results]
    assert en("ptq.layer.synthetic", name="synthetic", out=128, inp=128, n=512) in markdown(at)


def test_an_uploaded_layer(page):
    rng = np.random.default_rng(1)
    w = rng.normal(size=(16, 64)).astype(np.float32)
    x = rng.normal(size=(100, 64)).astype(np.float32)
    at = page(pq_src="upload")
    assert en("ptq.upload.none") in [i.value for i in at.sidebar.info]
    upload(at, "my_*layer*.npz", npz(W=w, X=x))
    ok(at)
    # the name is escaped (shown as text) and reads as the file's own name
    success = [s.value for s in at.sidebar.success]
    assert "Loaded my\\_\\*layer\\*\\.npz" in success
    assert "Loaded my_*layer*.npz" in [rendered(s) for s in success]
    result = lab.lab(lab.upload_layer({"W": w, "X": x}), 3, -1)
    assert [r["Output error"] for r in rows(at)] == [f"{r.output_mse:.3g}"
                                                    for r in result.results]
    assert en("ptq.layer.upload", out=16, inp=64, n=100) in markdown(at)


@pytest.mark.parametrize("name,data,reason", [
    ("[x](http://evil)!.npz", npz(W=np.ones((4, 8))), "needs a tensor named 'X'"),
    ("huge.npz", npz(W=np.zeros((4, 5000), np.float32), X=np.zeros((2, 5000), np.float32)),
     "W inputs = 5000"),
    ("junk.npz", b"PK\x03\x04 not a zip", ""),
    ("nan.npz", npz(W=np.full((4, 8), np.nan), X=np.ones((4, 8))), "not finite"),
])
def test_a_hostile_upload_is_refused_and_the_digits_layer_stays(page, name, data, reason):
    at = page(pq_src="upload")
    upload(at, name, data)
    assert at.sidebar.error and reason in rendered(at.sidebar.error[0].value)
    assert en("ptq.upload.kept") in [i.value for i in at.info]
    assert "Layer **fc1**" in markdown(at)
    assert "](http" not in markdown(at)
