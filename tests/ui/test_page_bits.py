"""The Bit-width page under Streamlit's AppTest: default run, every control, the sample,
progress, links, languages and uploads. Expected numbers come from quantviz.studies.sweeps."""

from __future__ import annotations

import re

import numpy as np
import pytest

from quantviz.distributions import sample
from quantviz.studies import sweeps
from quantviz.studies.sweeps import SWEEP_SCHEMES
from quantviz.ui import bits
from quantviz.ui.i18n import TABLE
from tests.helpers import captions, charts, markdown, npy, ok, rendered, upload

N = 1000
ASYM, SYM_S, SYM_U = SWEEP_SCHEMES
NAMES = {s.key: TABLE[f"bits.scheme.{s.key}"][0] for s in SWEEP_SCHEMES}


@pytest.fixture
def page(run_page):
    """``page(**query)`` runs the Bit-width page with the query string ``query``."""
    return lambda **query: run_page("bits", query)


def metric(at, key: str) -> float:
    values = [m.value for m in at.metric if m.label == NAMES[key]]
    assert len(values) == 1, [m.label for m in at.metric]
    return float(values[0].removesuffix(" dB"))


def expected(scheme, b: int, method: str = "minmax", params: tuple = (), narrow: bool = False,
             x: np.ndarray | None = None, key: str = "normal", n: int = N):
    x = sample(key, n, 0) if x is None else x
    return sweeps.sweep_point(sweeps.subsample(x), scheme, b, method, params, narrow)


def test_default_run(page):
    at = page()
    # the widths and the slope come from the sweep: 2..16 bits, 20 log10(2) = 6.02 dB per bit
    assert at.title[0].value == "How many bits? Every scheme from 2 to 16 bits"
    assert "Dashed: 6.02 dB per bit" in captions(at)
    assert at.subheader[0].value == "At 8 bits"
    for s in SWEEP_SCHEMES:
        assert metric(at, s.key) == pytest.approx(expected(s, 8, n=100_000).sqnr_db, abs=0.006)
    specs = charts(at)
    assert len(specs) == 3
    sqnr, gap, eff = specs
    names = [tr["name"] for tr in sqnr["data"]]
    assert names == [*NAMES.values(), f"{sweeps.DB_PER_BIT:.2f} dB per bit"]
    ref = sqnr["data"][-1]["y"]
    assert np.diff(ref) == pytest.approx([sweeps.DB_PER_BIT] * 14)
    assert [tr["name"] for tr in gap["data"]] == list(NAMES.values())  # no one-bit line
    assert eff["data"][-1]["y"] == list(range(2, 17))  # every code used: y = bits
    assert "Computed on all 100,000 values." in captions(at)
    assert TABLE["bits.no_clip"][0].format(slope="6.02") in markdown(at)  # MinMax never clips
    frame = at.table[0].value
    assert list(frame["bits"]) == list(range(2, 17))
    assert at.query_params == {}


def test_the_default_difference_chart_shows_lines_apart(page):
    # Normal data: on the SQNR chart the three lines lie within 0.43 dB of each other on an
    # axis of 90 dB; the difference chart draws SQNR minus asymmetric's, on a 1 dB axis
    at = page()
    gap = charts(at)[1]
    y0, y1 = gap["layout"]["yaxis"]["range"]
    lines = {tr["name"]: np.array(tr["y"]) for tr in gap["data"]}
    x = sample("normal", 100_000, 0)
    sweep = sweeps.bit_sweep(sweeps.subsample(x), "minmax")
    for key in NAMES:
        assert lines[NAMES[key]] == pytest.approx(sweeps.sqnr_gap(sweep, key))
    apart = lines[NAMES["asymmetric"]] - lines[NAMES["symmetric_signed"]]
    # at every width from 3 bits more than a quarter of the axis apart (0.39..0.45 of 1.1 dB)
    assert np.all(apart[1:] > 0.25 * (y1 - y0)), (apart, y0, y1)
    # the page says what differs and why, with the step ratio at 8 bits (4.4612 / 4.0432 ...)
    g = sweeps.scheme_gap(sweep, "symmetric_signed", 8)
    assert f"{g.ratio:.3f}× as large" in markdown(at)
    assert f"is {g.gap_db:+.2f} dB from asymmetric" in markdown(at)
    assert TABLE["bits.gap.same"][0].format(scheme=NAMES["symmetric_unsigned"]) in markdown(at)


def test_relu_signed_symmetric_sits_one_bit_below(page):
    at = page(dist="relu")
    eff = charts(at)[2]
    by_name = {tr["name"]: np.array(tr["y"]) for tr in eff["data"]}
    gap = by_name[NAMES["asymmetric"]] - by_name[NAMES["symmetric_signed"]]
    # up to 10 bits, where 100,000 values still fill the codes they can reach
    assert np.all(np.abs(gap[:9] - 1.0) < 0.1), gap
    # the difference chart: about -6.02 dB, with the one-bit line drawn at -6.02
    diff = charts(at)[1]
    lines = {tr["name"]: np.array(tr["y"]) for tr in diff["data"]}
    assert np.all(np.abs(lines[NAMES["symmetric_signed"]][1:] + sweeps.DB_PER_BIT) < 0.15)
    assert lines[TABLE["bits.fig.one_bit"][0].format(slope="6.02")] == pytest.approx(
        [-sweeps.DB_PER_BIT] * 15)
    assert "2.000× as large" in markdown(at)  # ±max|x| is twice [0, max|x|]


def test_highlight_bits(page):
    at = page(n=N)
    at.slider(key="bits").set_value(4).run()
    ok(at)
    assert at.subheader[0].value == "At 4 bits"
    assert metric(at, "asymmetric") == pytest.approx(expected(ASYM, 4).sqnr_db, abs=0.006)
    assert [s["x0"] for s in charts(at)[0]["layout"]["shapes"] if s["type"] == "line"] == [4]
    assert at.query_params == {"n": str(N), "bits": "4"}


def test_percentile_calibration_and_its_parameter(page):
    at = page(n=N)
    at.selectbox(key="calib").set_value("percentile").run()
    ok(at)
    params = (("percentile", 99.9),)
    assert metric(at, "asymmetric") == pytest.approx(
        expected(ASYM, 8, "percentile", params).sqnr_db, abs=0.006)
    at.slider(key="pct").set_value(99.0).run()
    ok(at)
    params = (("percentile", 99.0),)
    assert metric(at, "asymmetric") == pytest.approx(
        expected(ASYM, 8, "percentile", params).sqnr_db, abs=0.006)
    # clipping takes over: a note per scheme, diamonds on the lines
    assert "clipping dominates from" in markdown(at)
    marks = [tr for tr in charts(at)[0]["data"] if tr["mode"] == "markers"]
    assert marks and marks[0]["name"] == TABLE["bits.fig.marked"][0]
    flags = [s.clipping_dominates for s in
             sweeps.bit_sweep(sweeps.subsample(sample("normal", N, 0)), "percentile", params,
                              schemes=(ASYM,)).scores["asymmetric"]]
    first = sweeps.SWEEP_BITS[flags.index(True)]
    assert f"{NAMES['asymmetric']}**: clipping dominates from {first} bits" in markdown(at)


def test_moving_average_and_its_constant(page):
    at = page(n=N, calib="moving_average")
    at.slider(key="avg").set_value(0.5).run()
    ok(at)
    params = (("averaging_constant", 0.5), ("batches", 32))
    assert metric(at, "symmetric_signed") == pytest.approx(
        expected(SYM_S, 8, "moving_average", params).sqnr_db, abs=0.006)


def test_narrow_range_changes_only_the_signed_scheme(page):
    at = page(n=N)
    before = {s.key: metric(at, s.key) for s in SWEEP_SCHEMES}
    at.toggle(key="narrow").set_value(True).run()
    ok(at)
    assert metric(at, "symmetric_signed") == pytest.approx(
        expected(SYM_S, 8, narrow=True).sqnr_db, abs=0.006)
    assert metric(at, "symmetric_signed") != before["symmetric_signed"]
    assert metric(at, "asymmetric") == before["asymmetric"]


def test_a_large_tensor_is_swept_on_a_sample_with_progress(page, monkeypatch):
    shown = []
    real = bits.t

    def spy(key, **values):
        if key == "bits.busy":
            shown.append(values["done"])
        return real(key, **values)

    monkeypatch.setattr(bits, "t", spy)
    monkeypatch.setattr(bits, "PROGRESS_EVERY", -1.0)  # draw the bar after every point
    at = page(n=1_000_000)
    assert shown == list(range(1, 46))
    n = sweeps.SWEEP_MAX_VALUES
    assert f"Computed on {n:,} values: a seeded random sample of the tensor's 1,000,000" \
        in captions(at)
    assert not at.get("progress")  # the bar is gone once the sweep is done
    assert metric(at, "asymmetric") == pytest.approx(
        expected(ASYM, 8, n=1_000_000).sqnr_db, abs=0.006)
    shown.clear()
    points = []
    real_point = sweeps.sweep_point
    monkeypatch.setattr(sweeps, "sweep_point", lambda *a, **k: points.append(a) or
                        real_point(*a, **k))
    monkeypatch.setattr(bits, "PROGRESS_EVERY", 0.1)
    at.run()
    ok(at)
    assert points == [] and shown == []  # cached: nothing recomputed, no bar


def test_effective_bits_cap_of_a_small_tensor(page):
    at = page(n=N)
    assert "cannot exceed log2(N) = 9.97 with N = 1,000" in captions(at)


def test_a_query_string_restores_the_view(page):
    query = {"calib": "percentile", "pct": "99.5", "narrow": "1", "bits": "6", "dist": "laplace",
             "n": str(N)}
    at = page(**query)
    assert at.selectbox(key="calib").value == "percentile"
    assert at.slider(key="pct").value == 99.5 and at.toggle(key="narrow").value is True
    assert at.subheader[0].value == "At 6 bits"
    assert metric(at, "symmetric_signed") == pytest.approx(
        expected(SYM_S, 6, "percentile", (("percentile", 99.5),), True, key="laplace").sqnr_db,
        abs=0.006)
    assert at.query_params == query


def test_chinese(page):
    at = page(lang="zh", n=N)
    assert at.title[0].value == TABLE["bits.title"][1].format(lo=2, hi=16)
    assert at.subheader[0].value == "8 位时"
    assert [m.label for m in at.metric] == [TABLE[f"bits.scheme.{s.key}"][1]
                                            for s in SWEEP_SCHEMES]
    assert TABLE["bits.explain"][1].format(slope="6.02") in markdown(at)
    assert "{" not in markdown(at)


def test_an_uploaded_tensor_is_swept(page):
    at = page(src="upload", calib="moving_average")
    x = np.linspace(0.0, 1.0, 20, dtype=np.float32)  # fewer values than the 32 batches
    upload(at, "a.npy", npy(x))
    ok(at)
    assert "Tensor: a from a.npy, 20 values." in rendered(captions(at))
    params = (("averaging_constant", 0.01), ("batches", 20))
    assert metric(at, "asymmetric") == pytest.approx(
        expected(ASYM, 8, "moving_average", params, x=x).sqnr_db, abs=0.006)


def test_entropy_explains_where_its_sqnr_falls_and_jumps(page):
    # The default tensor (100,000 normal values): the notes carry the sweep's own numbers.
    at = page(calib="entropy")
    ok(at)
    text = markdown(at)
    xs = sweeps.subsample(sample("normal", 100_000, 0))
    sweep = sweeps.bit_sweep(xs, "entropy")
    found = sweeps.entropy_bits(sweep, xs)["asymmetric"]
    assert TABLE["bits.entropy.head"][0].format(bins="2,048") in text
    before, after = (f"{v:.2f}" for v in found.jump)
    assert (f"**{NAMES['asymmetric']}**: from {found.full_bits} bits its 2,048 codes reach "
            f"the 2,048 bins") in text
    assert f"SQNR jumps from {before} to {after} dB." in text
    b, a, c = found.drops[0]
    assert f"{b} bits ({a:.2f} → {c:.2f} dB)" in text
    # MinMax never falls nor jumps: no such note.
    assert TABLE["bits.entropy.head"][0].format(bins="2,048") not in markdown(page())


def test_the_stop_sentence_names_only_fixed_ranges():
    en, zh = TABLE["bits.explain"]
    assert "(Percentile, MSE or Entropy calibration)" not in en
    assert "search their range again at every bit width" in en
    assert "重新搜索范围" in zh


def test_the_narrow_help_and_the_reduce_note_state_the_codes_numbers(page):
    # int8 narrow: -127..127 (QuantConfig); reduce_range needs one bit above MIN_BITS = 2
    from quantviz.quantize import REDUCE_RANGE_MIN_BITS, QuantConfig

    narrow = QuantConfig(8, "symmetric", signed=True, narrow_range=True)
    assert (narrow.qmin, narrow.qmax, REDUCE_RANGE_MIN_BITS) == (-127, 127, 3)
    at = page(n=N)
    assert at.toggle(key="narrow").help == "Narrow range for the signed scheme (int8: -127..127)."
    for key in ("bits.narrow.help", "reduce.needs_bits", "bits.title", "bits.intro",
                "bits.fig.reference", "bits.no_clip", "bits.explain"):
        for text in TABLE[key]:
            assert not re.search(r"(?<![{\w])(127|16|6\.02|6|3)(?![\w}])", text), (key, text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_difference_note_names_the_range_the_asymmetric_grid_spans(page, lang):
    # all-positive data (x in [1, 3]): the asymmetric grid spans [min(x_min, 0), max(x_max, 0)]
    # = [0, 3], not [x_min, x_max] = [1, 3]; only [0, 3] against ±3 explains the ratio 2.000
    at = page(dist="all_positive", n=N, **({"lang": "zh"} if lang == "zh" else {}))
    ok(at)
    sweep = sweeps.bit_sweep(sweeps.subsample(sample("all_positive", N, 0)), "minmax")
    g = sweeps.scheme_gap(sweep, "symmetric_signed", 8)
    assert g.base_x_min > 0.9 and g.base_lo == 0.0 and f"{g.ratio:.3f}" == "2.000"
    text = TABLE["bits.gap.explain"][lang == "zh"].format(
        bits=8, scheme=TABLE["bits.scheme.symmetric_signed"][lang == "zh"],
        gap=f"{g.gap_db:+.2f}", share=f"{abs(g.gap_db) / sweeps.DB_PER_BIT:.2f}",
        steps=255, base_steps=255, amax=f"{g.amax:.4g}", lo="0", hi=f"{g.base_hi:.4g}",
        ratio="2.000", predicted=f"{g.predicted_db:+.2f}")
    assert text in markdown(at)
    assert f"= [0, {g.base_hi:.4g}]" in text and f"[{g.base_x_min:.4g}, " not in text
