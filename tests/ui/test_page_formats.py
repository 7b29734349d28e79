"""The Formats page under Streamlit's AppTest: default run, presets, an upload, the controls,
Chinese, and inputs the formats refuse. Expected numbers come from quantviz.formats."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz.distributions import sample
from quantviz.formats import FORMATS, bits_per_value, fake_quantize_format
from quantviz.metrics import sqnr_db
from quantviz.studies import formats as fv
from quantviz.ui import formats as page_module
from quantviz.ui.i18n import TABLE
from tests.helpers import captions, charts_by_title, en, markdown, npy, ok, upload

N = 1000


@pytest.fixture
def page(run_page):
    return lambda **query: run_page("formats", query)


def sqnr_metrics(at) -> dict[str, float]:
    return {m.label: float(m.value.removesuffix(" dB")) for m in at.metric}


def expected_sqnr(x: np.ndarray, fmt: str) -> float:
    return round(sqnr_db(x, fake_quantize_format(x, fmt)), 2)


def test_default_run(page):
    at = page()
    assert at.title[0].value == en("formats.title")
    x = sample("normal", 100_000, 0)
    defaults = [c.default for c in page_module.PICKS]
    got = sqnr_metrics(at)
    assert list(got) == [FORMATS[f].label for f in defaults]
    for fmt in defaults:
        assert got[FORMATS[fmt].label] == pytest.approx(expected_sqnr(x, fmt), abs=0.006)
    assert f"{bits_per_value('mxfp4', x.shape):.4g} bits per value" in captions(at)
    figs = charts_by_title(at)
    assert {en("formats.fig.values"), en("formats.fig.mapping"), en("formats.fig.abs"),
            en("formats.fig.rel"), en("formats.fig.frontier")} <= set(figs)
    values = figs[en("formats.fig.values")]
    assert len(values["data"]) == 1 + len(defaults)  # the bars, one grid row per format
    frontier = figs[en("formats.fig.frontier")]
    named = [n for tr in frontier["data"] for n in (tr.get("text") or [])]
    assert sorted(named) == sorted(f.label for f in FORMATS.values())
    text = markdown(at)
    assert "**FP8 E4M3** (floating point): the relative error stays flat" in text
    assert "**INT4 g128 fp16** (evenly spaced): the absolute error stays flat" in text
    assert "Code 56 (0x38) = sign **0** | exponent **0111** | mantissa **000**" in text
    assert "| MXFP4 | 4 | E8M0 per block | 32 | 4.2500 |" in text
    assert at.query_params == {}


@pytest.mark.parametrize("name", list(page_module.PRESETS))
def test_each_preset(page, name):
    at = page(n=N)
    at.button(key=f"fpreset_{name}").click().run()
    ok(at)
    values = page_module.PRESETS[name]
    params = {k.split(".", 1)[1]: v for k, v in values.items() if "." in k}
    x = sample(values["dist"], N, 0, **params)
    got = sqnr_metrics(at)
    for fmt in (c.default for c in page_module.PICKS):
        assert got[FORMATS[fmt].label] == pytest.approx(expected_sqnr(x, fmt), abs=0.006)
    if name == "llm":
        assert at.query_params["normal.std"] == str(page_module.LLM_STD)
    if name == "relu":
        zeros = int(np.sum(x == 0))
        assert en("formats.err.zeros", zeros=f"{zeros:,}") in captions(at)


def test_an_upload_goes_through_every_chosen_format(page):
    at = page(src="upload", fmt1="nvfp4", fmt2="int8", fmt3="none", fmt4="none", fmtd="nf4")
    x = np.random.default_rng(5).standard_normal((8, 100)).astype(np.float32)  # 100 % 16 = 4
    upload(at, "w.npy", npy(x))
    ok(at)
    got = sqnr_metrics(at)
    assert got == {"NVFP4": pytest.approx(expected_sqnr(x, "nvfp4"), abs=0.006),
                   "INT8": pytest.approx(expected_sqnr(x, "int8"), abs=0.006)}
    title = [t for t in charts_by_title(at) if t.startswith("NF4:")]
    assert title and "of 16 number codes used" in title[0]
    assert "NF4: 4 bits per element, 16 codes" in captions(at)


def test_three_formats_and_a_repeat(page):
    at = page(n=N, fmt1="fp4_e2m1", fmt2="fp4_e2m1", fmt3="nf4", fmt4="none")
    assert list(sqnr_metrics(at)) == ["FP4 E2M1", "NF4"]
    assert en("formats.duplicate", name="FP4 E2M1") in captions(at)


def test_the_worked_value_in_an_integer_and_a_subnormal(page):
    at = page(n=N, fmtd="int4", fx0="0.5")
    assert "(two's complement) = q =" in markdown(at)
    at = page(n=N, fmtd="fp8_e4m3", fx0="0.0001")
    assert "Subnormal (exponent field 0: no hidden 1)" in markdown(at)


def test_chinese(page):
    at = page(lang="zh", n=N)
    assert at.title[0].value == TABLE["formats.title"][1]
    assert TABLE["formats.learn.heading"][1] in [s.value for s in at.subheader]
    assert "浮点" in markdown(at)


def test_bad_url_values_fall_back(page):
    at = page(n=N, fmt1="fp99", fx0="nan")
    assert list(sqnr_metrics(at))[0] == "FP8 E4M3"


def test_values_float32_cannot_hold_give_a_sentence(page):
    at = page(src="upload")
    x = np.array([1.0, 1e300, -2.0])  # float64 beyond float32's range
    upload(at, "big.npy", npy(x))
    ok(at, errors=False)
    # the upload itself is refused with the loader's sentence, before any format sees it
    assert any("1 of its values lie beyond float32's range" in e.value for e in at.error)


def test_a_constant_tensor(page):
    at = page(src="upload")
    upload(at, "c.npy", npy(np.zeros(50, np.float32)))
    ok(at)
    assert en("formats.err.none") in [i.value for i in at.info]


def test_lessons_numbers_come_from_the_study():
    lessons = {lesson.data: lesson for lesson in fv.lessons()}
    assert lessons["normal"].n == 1 << 16


def test_the_nf4_lesson_compares_at_one_block_and_states_the_bits(page):
    # it said "about equally often" and set NF4 block 64 (4.5 bits) against INT4 group 128
    text = markdown(page())
    ref = fv.nf4_lesson()
    assert "about equally often" not in text
    assert f"{ref.usage_min:.1f} % to {ref.usage_max:.1f} %" in text  # 1.7 % to 9.3 %
    assert "4.5 bits per value" in text and "4.3125 bits per value" in text
    nf4_db, int_db = ref.sqnr["normal"]
    assert f"normal data {nf4_db:.2f} dB with NF4 against {int_db:.2f} dB with INT4" in text


def test_the_bits_page_shows_the_formats_beside_its_sweep(run_page):
    at = run_page("bits", {"n": N})
    assert en("formats.bits.fig") not in charts_by_title(at)  # off by default
    at = run_page("bits", {"n": N, "bits.fmt": 1})
    fig = charts_by_title(at)[en("formats.bits.fig")]
    schemes = [tr["name"] for tr in fig["data"][:3]]
    assert schemes == [TABLE[f"bits.scheme.{k}"][0]
                       for k in ("asymmetric", "symmetric_signed", "symmetric_unsigned")]
    # 2..16 bits plus a per-tensor scale and zero point on 1000 values: (32 + b) / 1000 more
    assert fig["data"][0]["x"][0] == pytest.approx(2 + 34 / N)
    named = [n for tr in fig["data"][3:] for n in (tr.get("text") or [])]
    assert sorted(named) == sorted(f.label for f in FORMATS.values())
    x = sample("normal", N, 0)
    front = fv.pareto_front(fv.frontier(x))
    assert ", ".join(FORMATS[f].label for f in front) in captions(at)


def test_the_per_channel_trade_off_gains_the_formats_of_the_same_element_bits(run_page):
    at = run_page("per_channel", {"bits": 4})
    fig = charts_by_title(at)[en("per_channel.fig.tradeoff")]
    named = [n for tr in fig["data"] for n in (tr.get("text") or [])]
    four_bit = {f.label for f in FORMATS.values() if f.bits == 4 and f.kind != "int"}
    formats = [tr for tr in fig["data"] if tr["name"] == en("formats.per_channel.legend")]
    assert len(formats) == 1 and set(formats[0]["text"]) == four_bit  # FP4, MXFP4, NVFP4, NF4
    assert "INT4" not in named  # the page's own integer scheme is already there
    points = {n: (x, y) for tr in fig["data"] for n, x, y in
              zip(tr.get("text") or [], tr["x"], tr["y"], strict=False)}
    assert points["MXFP4"][0] == pytest.approx(0.25)  # 8 / 32 bits of scale per value
    assert "With 4-bit elements, the number formats too" in captions(at)
    at = run_page("per_channel", {"bits": 5})
    fig = charts_by_title(at)[en("per_channel.fig.tradeoff")]
    named = [n for tr in fig["data"] for n in (tr.get("text") or [])]
    assert not set(named) & {f.label for f in FORMATS.values()}  # no 5-bit format


def test_the_compare_page_shows_its_configs_beside_the_formats(run_page):
    at = run_page("compare", {"n": N, "cmp.fmt": 1})
    fig = charts_by_title(at)[en("formats.bits.fig")]
    configs = [tr for tr in fig["data"] if tr["mode"] == "lines+markers"]
    assert len(configs) == 2  # the page's two configs, one point each
    assert configs[0]["x"] == [pytest.approx(8 + 40 / N)]  # uint8: (32 + 8) / 1000 more
    named = [n for tr in fig["data"] for n in (tr.get("text") or [])]
    assert sorted(named) == sorted(f.label for f in FORMATS.values())
    assert en("formats.bits.fig") not in charts_by_title(run_page("compare", {"n": N}))


def test_the_float_lesson_bounds_the_step_and_names_the_subnormals(page):
    # E4M3: 3 mantissa bits, step 2^-3 = 12.5 % of the lower end of a power of two (so at
    # most 12.5 % of the value), half of it 6.25 %; smallest normal 2^-6 = 0.015625, below
    # which the subnormals keep a fixed step.
    at = page()
    text = markdown(at)
    assert "the step is at most 12.5 % of the value" in text
    assert "rounding costs at most 6.25 % of it" in text
    assert "down to the smallest normal value (0.015625 before the scale)" in text
    assert "the subnormals keep one fixed step" in text


def test_the_relu_preset_does_not_say_integers_waste_half_their_codes(page):
    # The integer formats carry a zero point: on ReLU outputs INT8 uses far more than the
    # 128 non-negative codes a symmetric signed grid would leave.
    x = np.maximum(sample("normal", 100_000, 0), 0).astype(np.float32)
    assert np.unique(fake_quantize_format(x, "int8")).size > 2**7
    at = page()
    helps = [b.help for b in at.button if b.help]
    # NF4 has 7 negative levels of 16 (bitsandbytes' table): on ReLU data 7 stay unused
    assert en("formats.preset.relu.help", nf4_neg=7, nf4_levels=16) in helps
    assert not any("every signed format wastes" in h for h in helps)


def test_the_pareto_front_is_listed_the_chinese_way(page):
    at = page(lang="zh")
    text = markdown(at)
    front = next(m for m in text.splitlines() if m.startswith("在这个张量上，帕累托前沿是"))
    assert "、" in front and ", " not in front


def test_the_flat_error_sentences_claim_no_direction(page):
    # The rule only bounds the flat measure within a factor 2 between the 10th and 90th
    # percentile of |x|; the other measure's direction is not guaranteed on narrow data.
    text = markdown(page())
    assert "so the absolute error follows |x|:" in text
    assert "so the relative error goes as 1 / |x|:" in text
    assert "grows from" not in text and "falls from" not in text


def test_the_flat_rule_states_the_quantiles_the_core_reads(page):
    # fv.READ_QUANTILES = (0.1, 0.9): the 10th and 90th percentile, within a factor 2
    assert fv.READ_QUANTILES == (0.1, 0.9) and fv.FLAT_RATIO == 2.0
    for lang, tr in (("en", en), ("zh", lambda key, **v: TABLE[key][1].format(**v))):
        at = page(lang=lang) if lang == "zh" else page()
        assert tr("formats.err.rule", ratio="2", low="10", high="90") in captions(at), lang
    for text in TABLE["formats.err.rule"]:
        assert "90" not in text and "10" not in text
