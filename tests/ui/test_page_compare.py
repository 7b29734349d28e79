"""The Compare page under Streamlit's AppTest: default run, every control, links, languages,
uploads. Expected numbers come from the core (sample, calibrate, compute_qparams, summarize)."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz import observers
from quantviz.distributions import sample
from quantviz.quantize import QuantConfig
from quantviz.studies import comparisons, views
from quantviz.ui import compare, controls
from quantviz.ui.i18n import TABLE
from tests.helpers import charts, npy, ok, rendered, title_of, upload

N = 1000  # small tensors keep the file fast; the page's own default size is run once
STAR = compare.BEST


@pytest.fixture
def page(run_page):
    """``page(session=None, **query)`` runs the Compare page with the query string ``query``."""
    return lambda session=None, **query: run_page("compare", query, session=session)


def table(at):
    """The measures table, one column per config (named as the URL gave them), by measure."""
    assert len(at.table) == 1
    frame = at.table[0].value
    frame = frame.set_index(frame.columns[0])
    frame.columns = [rendered(c) for c in frame.columns]
    return frame


def cell(at, key: str, column: int) -> str:
    frame = table(at)
    return frame.loc[TABLE[f"compare.metric.{key}"][0]].iloc[column]


def number(text: str) -> float:
    return float(text.removeprefix(STAR).strip())


def expected_view(cfg: QuantConfig, method: str = "minmax", key: str = "relu", n: int = N,
                  x: np.ndarray | None = None, **params) -> views.ExploreView:
    x = sample(key, n, 0) if x is None else x
    lo, hi = observers.calibrate(method, x, cfg, **params)
    return views.explore_for_range(x, lo, hi, cfg)


UINT8 = QuantConfig(8, "asymmetric", signed=False)
INT8 = QuantConfig(8, "symmetric", signed=True)


# --- the default run ---------------------------------------------------------------------------

def test_default_run_is_the_notes_example_on_relu_outputs(page):
    at = page()
    assert at.title[0].value == TABLE["compare.title"][0]
    assert "Tensor: ReLU activations, 100,000 values." in [c.value for c in at.caption]
    frame = table(at)
    assert list(frame.columns) == ["1. Asymmetric uint8, MinMax", "2. Symmetric int8, MinMax"]
    a, b = expected_view(UINT8, n=100_000), expected_view(INT8, n=100_000)
    for key, goal_col in (("mse", 0), ("sqnr_db", 0), ("scale", 0), ("effective_bits", 0)):
        values = [comparisons.metric_value(v.summary, key) for v in (a, b)]
        shown = [cell(at, key, c) for c in (0, 1)]
        assert [number(s) for s in shown] == pytest.approx(values, rel=1e-3)
        assert shown[goal_col].startswith(STAR) and not shown[1 - goal_col].startswith(STAR)
    assert cell(at, "codes_used", 1) == str(b.summary.usage.used)
    assert not cell(at, "zero_point", 0).startswith(STAR)  # no better zero point
    # the verdict and the wasted half of int8
    assert any("Least error: **1. Asymmetric uint8, MinMax**" in m.value for m in at.markdown)
    (info,) = at.info
    assert "cannot reach 128 of its 256 codes" in info.value
    # three rows of two figures, the error row on one shared x axis
    specs = charts(at)
    assert len(specs) == 6
    assert specs[2]["layout"]["xaxis"]["range"] == specs[3]["layout"]["xaxis"]["range"]
    assert specs[0]["layout"]["yaxis"]["range"] == specs[1]["layout"]["yaxis"]["range"]
    assert at.query_params == {}  # everything at its default: a short link


def test_a_rerun_with_unchanged_controls_calibrates_nothing(page, monkeypatch):
    at = page(n=N)
    calls = []
    real = observers.calibrate
    monkeypatch.setattr(observers, "calibrate", lambda *a, **k: calls.append(a) or real(*a, **k))
    at.run()
    ok(at)
    assert calls == []


# --- every control ----------------------------------------------------------------------------

def test_configs_count_adds_columns_with_their_defaults(page):
    at = page(n=N)
    for count in (3, 4):
        at.button_group(key="configs").set_value(count).run()
        ok(at)
        assert len(table(at).columns) == count and len(charts(at)) == 3 * count
    names = list(table(at).columns)
    assert names[2] == "3. Asymmetric uint4, Minimum MSE"
    assert names[3] == "4. Symmetric int8 narrow, Percentile"
    assert at.query_params["configs"] == "4"


@pytest.mark.parametrize("i", [1, 2, 3, 4])
def test_every_control_of_a_config(page, i):
    at = page(n=N, configs=4, **{f"c{i}.scheme": "asymmetric", f"c{i}.bits": 8,
                                 f"c{i}.signed": 0, f"c{i}.narrow": 0, f"c{i}.calib": "minmax"})
    col = i - 1
    x = sample("relu", N, 0)

    def scale() -> float:
        return number(cell(at, "scale", col))

    assert scale() == pytest.approx(float(x.max()) / 255, rel=6e-4)
    at.slider(key=f"c{i}.bits").set_value(4).run()
    ok(at)
    assert scale() == pytest.approx(float(x.max()) / 15, rel=6e-4)  # 4 bits: 15 steps
    assert int(cell(at, "codes_used", col)) <= 16
    at.button_group(key=f"c{i}.scheme").set_value("symmetric").run()
    ok(at)
    assert table(at).columns[col] == f"{i}. Symmetric uint4, MinMax"
    assert scale() == pytest.approx(float(x.max()) / 7.5, rel=6e-4)  # (15 - 0) / 2
    at.toggle(key=f"c{i}.signed").set_value(True).run()
    ok(at)
    assert table(at).columns[col] == f"{i}. Symmetric int4, MinMax"
    at.toggle(key=f"c{i}.narrow").set_value(True).run()
    ok(at)
    assert table(at).columns[col] == f"{i}. Symmetric int4 narrow, MinMax"
    assert scale() == pytest.approx(float(x.max()) / 7, rel=6e-4)  # (7 - (-7)) / 2
    at.selectbox(key=f"c{i}.calib").set_value("percentile").run()
    ok(at)
    cfg = QuantConfig(4, "symmetric", True, True)
    want = expected_view(cfg, "percentile", percentile=99.9)
    assert scale() == pytest.approx(float(want.qp.scale), rel=6e-4)
    at.slider(key=f"c{i}.pct").set_value(95.0).run()
    ok(at)
    want = expected_view(cfg, "percentile", percentile=95.0)
    assert scale() == pytest.approx(float(want.qp.scale), rel=6e-4)
    at.selectbox(key=f"c{i}.calib").set_value("moving_average").run()
    ok(at)
    at.slider(key=f"c{i}.avg").set_value(0.5).run()
    ok(at)
    want = expected_view(cfg, "moving_average", averaging_constant=0.5, batches=32)
    assert scale() == pytest.approx(float(want.qp.scale), rel=6e-4)
    assert at.query_params[f"c{i}.avg"] == "0.5"
    assert at.query_params[f"c{i}.calib"] == "moving_average"


def test_log_count_axes_switch_off(page):
    at = page(n=N)
    assert all(s["layout"]["yaxis"].get("type") == "log" for s in charts(at)[:4])
    at.toggle(key="cmp.logy").set_value(False).run()
    ok(at)
    specs = charts(at)
    assert all(s["layout"]["yaxis"].get("type") != "log" for s in specs[:4])
    assert specs[0]["layout"]["yaxis"]["range"][0] == 0.0
    assert at.query_params["cmp.logy"] == "0"


def test_the_shared_tensor_controls_change_every_column(page):
    at = page(n=N)
    before = [cell(at, "scale", c) for c in (0, 1)]
    at.selectbox(key="dist").set_value("normal").run()
    ok(at)
    after = [cell(at, "scale", c) for c in (0, 1)]
    assert before[0] != after[0] and before[1] != after[1]
    want = expected_view(UINT8, key="normal")
    assert number(after[0]) == pytest.approx(float(want.qp.scale), rel=6e-4)
    assert at.query_params["dist"] == "normal"  # ReLU is this page's default, so normal shows


# --- the page's own default tensor -----------------------------------------------------------

def test_a_tensor_chosen_before_is_kept(page):
    at = page(session={"dist": "laplace"}, n=N)
    assert at.selectbox(key="dist").value == "laplace"
    at = page(dist="uniform", n=N)
    assert at.selectbox(key="dist").value == "uniform"


def test_relu_is_the_default_only_on_the_first_visit(page):
    at = page(n=N)
    assert at.selectbox(key="dist").value == "relu"
    at.selectbox(key="dist").set_value(controls.DIST.default).run()
    ok(at)
    at.run()  # a later run keeps the user's choice
    assert at.selectbox(key="dist").value == controls.DIST.default


# --- links and languages -----------------------------------------------------------------------

def test_a_query_string_restores_the_view(page):
    query = {"configs": "3", "c3.bits": "6", "c2.calib": "percentile", "c2.pct": "99.0",
             "dist": "laplace", "n": str(N), "c1.scheme": "symmetric", "c1.signed": "1"}
    at = page(**query)
    assert at.button_group(key="configs").value == 3
    assert at.slider(key="c3.bits").value == 6
    assert at.selectbox(key="c2.calib").value == "percentile"
    assert at.slider(key="c2.pct").value == 99.0
    assert list(table(at).columns) == ["1. Symmetric int8, MinMax",
                                       "2. Symmetric int8, Percentile",
                                       "3. Asymmetric uint6, Minimum MSE"]
    want = expected_view(INT8, "percentile", key="laplace", percentile=99.0)
    assert number(cell(at, "scale", 1)) == pytest.approx(float(want.qp.scale), rel=6e-4)
    assert at.query_params == query


def test_a_hand_edited_link_falls_back_to_defaults(page):
    at = page(configs="7", **{"c1.bits": "99", "c2.calib": "nonsense"}, n=N)
    assert len(table(at).columns) == 2
    assert at.slider(key="c1.bits").value == 8
    assert at.selectbox(key="c2.calib").value == "minmax"


def test_chinese(page):
    at = page(lang="zh", n=N)
    assert at.title[0].value == TABLE["compare.title"][1]
    frame = table(at)
    assert list(frame.columns) == ["1. 非对称 uint8，MinMax", "2. 对称 int8，MinMax"]
    assert TABLE["compare.metric.scale"][1] in frame.index
    assert TABLE["compare.row.codes"][1] in [s.value for s in at.subheader]
    titles = [title_of(c) for c in charts(at)]
    assert titles[0].startswith("已用") and titles[-1] == TABLE["compare.fig.mapping"][1]
    at = page(n=N)  # a new session, same cached views: the figures follow the language
    assert title_of(charts(at)[-1]) == TABLE["compare.fig.mapping"][0]


def test_presentation_mode_uses_the_large_theme(page):
    at = page(present=1, n=N)
    assert charts(at)[0]["layout"]["font"]["size"] == 22


# --- uploads -----------------------------------------------------------------------------------

def test_an_uploaded_tensor_is_compared(page):
    at = page(src="upload")
    x = np.linspace(-1.0, 3.0, 801, dtype=np.float32)
    upload(at, "w.npy", npy(x))
    ok(at)
    assert "Tensor: w from w.npy, 801 values." in [rendered(c.value) for c in at.caption]
    a, b = expected_view(UINT8, x=x), expected_view(INT8, x=x)
    assert number(cell(at, "scale", 0)) == pytest.approx(4.0 / 255, rel=6e-4)
    assert number(cell(at, "scale", 1)) == pytest.approx(3.0 / 127.5, rel=6e-4)
    assert number(cell(at, "mse", 0)) == pytest.approx(a.summary.mse, rel=1e-3)
    assert number(cell(at, "mse", 1)) == pytest.approx(b.summary.mse, rel=1e-3)
    assert len(charts(at)) == 6


def test_reduce_range_per_config(page):
    # config 1 with PyTorch's reduce_range: uint8 0..127, so the step doubles
    at = page(n=N, **{"c1.reduce": "true"})
    want = expected_view(QuantConfig(8, "asymmetric", reduce_range=True))
    assert number(cell(at, "scale", 0)) == pytest.approx(want.qp.scale, rel=1e-3)
    assert want.qp.qmax == 127
    at = page(n=N, **{"c1.reduce": "true", "c1.bits": 2})  # ignored below 3 bits
    assert number(cell(at, "scale", 0)) == pytest.approx(
        expected_view(QuantConfig(2, "asymmetric")).qp.scale, rel=1e-3)
