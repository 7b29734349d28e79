"""The Calibration page under Streamlit's AppTest: every observer, the trade-off curve, the
stream, every control, links, languages and uploads. Expected numbers come from the core."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz.distributions import activation_stream, sample
from quantviz.observers import OBSERVERS, calibrate
from quantviz.quantize import QuantConfig
from quantviz.studies import sweeps
from quantviz.ui import calibration, controls
from quantviz.ui.i18n import TABLE
from tests.helpers import charts, npy, ok, rendered, upload

N = 1000
UINT8 = QuantConfig(8, "asymmetric")
LABELS = {m: TABLE[f"calib.label.{m}"][0] for m in OBSERVERS}


@pytest.fixture
def page(run_page):
    """``page(**query)`` runs the Calibration page with the query string ``query``."""
    return lambda **query: run_page("calibration", query)


def rows(at) -> dict[str, dict]:
    frame = at.table[0].value
    return {r["calibrator"]: r for r in frame.to_dict("records")}


def number(text) -> float:
    return float(str(text).removeprefix(calibration.BEST).strip())


def metric(at, start: str) -> float:
    values = [m.value for m in at.metric if m.label.startswith(start)]
    assert len(values) == 1, [m.label for m in at.metric]
    return float(values[0].removesuffix(" dB"))


def params(method: str, pct: float = 99.9, avg: float = 0.01, n: int = N) -> dict:
    kw = dict(controls.observer_params(method, pct, avg))
    if "batches" in kw:  # the calibration cache caps the batches at the number of values
        kw["batches"] = min(kw["batches"], n)
    return kw


def expected(method: str, cfg: QuantConfig = UINT8, key: str = "normal", n: int = N,
             x: np.ndarray | None = None, **kw) -> sweeps.RangeScore:
    x = sample(key, n, 0) if x is None else x
    lo, hi = calibrate(method, x, cfg, **params(method, n=x.size, **kw))
    return sweeps.score_range(x, cfg, lo, hi)


def check_table(at, cfg: QuantConfig = UINT8, **kw) -> None:
    shown = rows(at)
    assert list(shown) == list(LABELS.values())
    for method, name in LABELS.items():
        want = expected(method, cfg, **kw)
        assert number(shown[name]["x_max"]) == pytest.approx(want.x_max, rel=6e-4), method
        assert number(shown[name]["scale"]) == pytest.approx(want.scale, rel=6e-4), method
        assert number(shown[name]["MSE"]) == pytest.approx(want.mse, rel=6e-4), method


def test_default_run(page):
    at = page()
    assert at.title[0].value == TABLE["calibration.title"][0]
    check_table(at, n=100_000)
    shown = rows(at)
    # the best MSE and SQNR are starred in the row of the MSE calibrator
    assert str(shown[LABELS["mse"]]["MSE"]).startswith(calibration.BEST)
    assert str(shown[LABELS["mse"]]["SQNR (dB)"]).startswith(calibration.BEST)
    assert str(shown[LABELS["minmax"]]["clipped (%)"]).startswith(calibration.BEST)
    specs = charts(at)
    assert len(specs) == 3
    ranges, tradeoff, stream = specs
    legend = [tr["name"] for tr in ranges["data"] if tr.get("showlegend") is not False]
    assert legend == ["count of x", *LABELS.values()]
    assert ranges["layout"]["yaxis"]["type"] == "log"
    names = [tr["name"] for tr in tradeoff["data"]]
    assert names[:3] == ["total MSE", "rounding part", "clipping part"]
    assert names[3:] == list(LABELS.values())
    assert [tr["name"] for tr in stream["data"]] == ["max of each batch", "MinMax",
                                                     "moving average, c = 0.1"]
    assert "Computed on all 100,000 values, each calibrator marked at its own range." in [
        c.value for c in at.caption]
    assert at.query_params == {}


def test_the_tradeoff_minimum_and_the_mse_observer(page):
    at = page(n=10_000, dist="student_t", bits=4)
    x = sample("student_t", 10_000, 0)
    cfg = QuantConfig(4, "asymmetric")
    # the page measures the curve and its marks on the sample in ascending order (faster
    # masked sums), the same array for both
    xs = np.sort(x)
    curve = sweeps.threshold_curve(xs, cfg, float(x.min()), float(x.max()))
    b = curve.best
    assert (f"Least MSE on the curve: T = {curve.thresholds[b]:.4g} ({curve.alphas[b]:.3g} of "
            f"the largest |x|)") in "\n".join(m.value for m in at.markdown)
    tradeoff = charts(at)[1]
    mark = next(tr for tr in tradeoff["data"] if tr["name"] == LABELS["mse"])
    lo, hi = calibrate("mse", x, cfg)
    assert mark["x"] == [pytest.approx(sweeps.threshold_of(lo, hi))]
    assert mark["y"] == [sweeps.score_range(xs, cfg, lo, hi).mse]
    assert sweeps.score_range(xs, cfg, lo, hi).mse == pytest.approx(
        sweeps.score_range(x, cfg, lo, hi).mse, rel=1e-12)  # order moves only the rounding


def test_scheme_controls_change_every_range(page):
    at = page(n=N)
    at.button_group(key="scheme").set_value("symmetric").run()
    ok(at)
    at.toggle(key="signed").set_value(True).run()
    ok(at)
    at.toggle(key="narrow").set_value(True).run()
    ok(at)
    at.slider(key="bits").set_value(4).run()
    ok(at)
    check_table(at, QuantConfig(4, "symmetric", True, True))
    assert at.query_params == {"n": str(N), "scheme": "symmetric", "signed": "1",
                               "narrow": "1", "bits": "4"}


def test_percentile_and_averaging_parameters(page):
    at = page(n=N)
    at.slider(key="pct").set_value(95.0).run()
    ok(at)
    at.slider(key="avg").set_value(0.5).run()
    ok(at)
    check_table(at, pct=95.0, avg=0.5)
    assert number(rows(at)[LABELS["percentile"]]["x_max"]) < number(
        rows(at)[LABELS["minmax"]]["x_max"])


def test_log_axis_switches_off(page):
    at = page(n=N)
    at.toggle(key="cal.logy").set_value(False).run()
    ok(at)
    assert charts(at)[0]["layout"]["yaxis"].get("type") != "log"


def last_batch_sqnr(drift: float, spike: float, c: float) -> tuple[float, float]:
    batches = activation_stream(**{**calibration.STREAM, "drift": drift, "spike_prob": spike})
    sr = sweeps.stream_ranges(batches, c)
    mm = sweeps.score_range(batches[-1], UINT8, sr.minmax_min[-1], sr.minmax_max[-1])
    mv = sweeps.score_range(batches[-1], UINT8, sr.moving_min[-1], sr.moving_max[-1])
    return mm.sqnr_db, mv.sqnr_db


def test_the_stream_controls(page):
    at = page(n=N)
    mm, mv = last_batch_sqnr(0.01, 0.1, 0.1)
    assert metric(at, "MinMax") == pytest.approx(mm, abs=0.006)
    assert metric(at, "moving average") == pytest.approx(mv, abs=0.006)
    assert mv > mm  # the advice, shown: the moving average quantizes activations better
    at.slider(key="stream.drift").set_value(0.03).run()
    ok(at)
    at.slider(key="stream.spike").set_value(0.5).run()
    ok(at)
    at.slider(key="stream.c").set_value(0.01).run()
    ok(at)
    mm, mv = last_batch_sqnr(0.03, 0.5, 0.01)
    assert metric(at, "MinMax") == pytest.approx(mm, abs=0.006)
    assert metric(at, "moving average, c = 0.01") == pytest.approx(mv, abs=0.006)
    assert mv < mm  # too slow a moving average lags behind the drift and clips
    stream = charts(at)[2]
    batches = activation_stream(**{**calibration.STREAM, "drift": 0.03, "spike_prob": 0.5})
    assert stream["data"][0]["y"] == pytest.approx([float(b.max()) for b in batches])
    assert at.query_params == {"n": str(N), "stream.drift": "0.03", "stream.spike": "0.5",
                               "stream.c": "0.01"}


def test_the_notes_advice_is_explained_in_both_languages(page):
    at = page(n=N)
    assert TABLE["calibration.stream.explain"][0] in [m.value for m in at.markdown]
    at.button_group(key="lang").set_value("zh").run()
    ok(at)
    assert at.title[0].value == TABLE["calibration.title"][1]
    assert TABLE["calibration.stream.explain"][1] in [m.value for m in at.markdown]
    assert list(rows_zh(at)) == [TABLE[f"calib.label.{m}"][1] for m in OBSERVERS]


def rows_zh(at) -> dict:
    frame = at.table[0].value
    return {r[TABLE["calibration.col.calibrator"][1]]: r for r in frame.to_dict("records")}


def test_a_query_string_restores_the_view(page):
    query = {"dist": "outliers", "n": str(N), "bits": "6", "pct": "99.0", "cal.logy": "0",
             "stream.c": "0.3"}
    at = page(**query)
    assert at.slider(key="bits").value == 6 and at.toggle(key="cal.logy").value is False
    assert at.slider(key="stream.c").value == 0.3
    check_table(at, QuantConfig(6, "asymmetric"), key="outliers", pct=99.0)
    assert at.query_params == query


def test_an_uploaded_tensor_is_calibrated(page):
    at = page(src="upload")
    x = np.concatenate([np.linspace(-1, 1, 400), [25.0]]).astype(np.float32)
    upload(at, "o.npy", npy(x))
    ok(at)
    assert "Tensor: o from o.npy, 401 values." in [rendered(c.value) for c in at.caption]
    check_table(at, x=x)
    assert number(rows(at)[LABELS["minmax"]]["x_max"]) == 25.0


def test_stream_help_states_the_numbers_the_code_uses(page):
    at = page()
    help_text = at.slider(key="stream.c").help
    en, _ = TABLE["calibration.stream_c.help"]
    assert help_text == en.format(c_torch=0.01, batches=calibration.STREAM["n_batches"],
                                  c_stream=calibration.STREAM_C.default)
    assert "default 0.01" in help_text and "with 50, 0.1 keeps up" in help_text
    explain = TABLE["calibration.stream.explain"][0]
    assert "only in quantization-aware training" in explain and "HistogramObserver" in explain
