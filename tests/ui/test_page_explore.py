"""The Explore page under Streamlit's AppTest: every control, uploads, links, languages.

Expected numbers come from the core (sample, calibrate, compute_qparams, quantize), so each
test checks that the page shows what the core computes for the controls it was given.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from quantviz import observers, present
from quantviz.distributions import sample
from quantviz.present import formulas
from quantviz.quantize import EPS, QuantConfig, compute_qparams, quantize
from quantviz.studies import views
from quantviz.studies.views import disagreements
from quantviz.ui import cache, controls, explore
from quantviz.ui.i18n import TABLE
from tests.helpers import (
    captions,
    en,
    english_in_formulas,
    markdown,
    metric,
    npy,
    ok,
    rendered,
    title_of,
    upload,
)

N = 10_000  # a small default tensor keeps the file fast; the page's own default is tested too


@pytest.fixture
def page(run_page):
    """``page(**query)`` runs the Explore page with the query string ``query``."""
    return lambda **query: run_page("explore", query)


def codes_used(at) -> tuple[int, int]:
    used, levels = metric(at, "codes used").split(" / ")
    return int(used), int(levels)


def zero_point(at) -> int:
    return int(metric(at, "zero_point").removeprefix("Z = "))


def calibrated(at) -> tuple[float, float]:
    """The calibrated range, read exactly from the metric's help (its value shows 3 digits)."""
    [m] = [m for m in at.metric if m.label == "calibrated [x_min, x_max]"]
    found = re.search(r"x_min = (\S+), x_max = (\S+) \(float32\)", m.proto.help)
    lo, hi = float(found[1]), float(found[2])
    assert m.value == f"[{lo:.3g}, {hi:.3g}]"
    return lo, hi


def expected_qparams(cfg: QuantConfig, key: str = "normal", n: int = N, seed: int = 0,
                     **params):
    x = sample(key, n, seed, **params)
    return x, compute_qparams(float(x.min()), float(x.max()), cfg)


def open_definitions(at) -> None:
    """Open "How these numbers are defined" as a click does (the expander reruns the page)."""
    at.session_state["open_defs"] = True
    at.run()
    ok(at)


# --- the default run -------------------------------------------------------------------------

def test_default_run_shows_metrics_charts_and_formulas(app_test):
    at = app_test("explore")
    at.run()
    ok(at)
    assert len(at.metric) == 8
    assert len(at.get("plotly_chart")) == 4
    # the worked example in the one convention taught, several lines; the notes' form and the
    # definitions are typeset only once their expanders are opened (closed, nobody reads them)
    assert len(at.latex) == 1 and all(r"\\" in latex.value for latex in at.latex)
    assert en("worked.others") in [e.label for e in at.expander]
    assert en("defs.heading") in [e.label for e in at.expander]
    assert not any(formulas.SCALE_ASYMMETRIC in latex.value for latex in at.latex)
    open_definitions(at)
    assert len(at.latex) == 2 and all(r"\\" in latex.value for latex in at.latex)
    assert formulas.SCALE_ASYMMETRIC in at.latex[0].value  # the default is asymmetric
    assert at.title[0].value == TABLE["explore.title"][0]
    # the default tensor is 100,000 normal values, asymmetric uint8 with MinMax
    x, qp = expected_qparams(QuantConfig(), n=100_000)
    assert "Tensor: Normal, 100,000 values." in captions(at)
    # the arithmetics panel counts the codes on which the three arithmetics part
    total = sum(d.count for d in disagreements(x, QuantConfig(), float(x.min()), float(x.max())))
    assert en("arith.heading", total=total) in [e.label for e in at.expander]
    assert zero_point(at) == qp.zero_point
    assert metric(at, "scale") == f"{qp.scale:.6g}"
    assert codes_used(at)[1] == 256
    assert at.query_params == {}  # defaults stay out of the URL
    at.slider(key="bits").set_value(4).run()  # it stays open while the controls move
    assert len(at.latex) == 2 and formulas.SCALE_ASYMMETRIC in at.latex[0].value


def test_a_rerun_with_unchanged_controls_recomputes_nothing(page, monkeypatch):
    at = page(n=N)
    calls = []

    def counting(owner, name):
        original = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *a, **k: calls.append(name) or original(*a, **k))

    counting(cache, "sample")
    counting(observers, "calibrate")
    counting(views, "explore_view")
    for name in ("value_histogram", "mapping_staircase", "code_usage", "error_histogram"):
        counting(present, name)
    at.run()
    ok(at)
    assert calls == []
    # changing only the worked example's value rebuilds no figure either
    at.number_input(key="x0").set_value(1.25).run()
    ok(at)
    assert calls == []
    # a new bit width does recompute (the counters do count)
    at.slider(key="bits").set_value(6).run()
    assert {"explore_view", "code_usage"} <= set(calls)


# --- every control ---------------------------------------------------------------------------

def test_bits_4_uses_at_most_16_codes(page):
    at = page(n=N)
    at.slider(key="bits").set_value(4).run()
    ok(at)
    used, levels = codes_used(at)
    assert levels == 16 and 10 <= used <= 16
    assert at.query_params == {"n": str(N), "bits": "4"}
    assert "of 4" in captions(at)  # effective bits "... of 4"


def test_scheme_symmetric_signed_and_narrow(page):
    at = page(n=N)
    at.button_group(key="scheme").set_value("symmetric").run()
    ok(at)
    # unsigned symmetric puts the zero point at the middle code (0 + 255) // 2 = 127
    assert zero_point(at) == 127
    at.toggle(key="signed").set_value(True).run()
    ok(at)
    assert zero_point(at) == 0 and codes_used(at)[1] == 256
    _, qp = expected_qparams(QuantConfig(8, "symmetric", True))
    assert metric(at, "scale") == f"{qp.scale:.6g}"
    at.toggle(key="narrow").set_value(True).run()
    ok(at)
    # narrow signed: -127..127, 255 codes, and the divisor is 127 instead of 127.5
    assert codes_used(at)[1] == 255
    _, narrow = expected_qparams(QuantConfig(8, "symmetric", True, True))
    assert metric(at, "scale") == f"{narrow.scale:.6g}"
    assert narrow.scale > qp.scale


def test_the_full_range_note_names_this_bit_width_s_divisors(page):
    # 4-bit signed: qmin = -8, qmax = 7; full range divides by 15/2 = 7.5, narrow by 7
    at = page(n=N, bits=4, scheme="symmetric", signed=1)
    notes = [i.value for i in at.info if "half a step" in i.value]
    assert notes == [en("gap.full_range", denom=7.5, narrow=7)]
    assert "(qmax - qmin)/2 = 7.5" in notes[0] and "divide by 7 " in notes[0]
    at.toggle(key="narrow").set_value(True).run()
    ok(at)
    assert not [i.value for i in at.info if "half a step" in i.value]


def test_signed_asymmetric_shifts_the_zero_point_by_128(page):
    at = page(n=N)
    unsigned = zero_point(at)
    at.toggle(key="signed").set_value(True).run()
    ok(at)
    assert zero_point(at) == unsigned - 128


def test_distribution_and_its_parameters(page):
    at = page(n=N)
    lo, hi = calibrated(at)
    at.slider(key="normal.std").set_value(2.0).run()
    ok(at)
    # the same seed draws the same standard normals, scaled by 2
    lo2, hi2 = calibrated(at)
    assert lo2 == pytest.approx(2 * lo, rel=2e-3) and hi2 == pytest.approx(2 * hi, rel=2e-3)
    at.slider(key="normal.mean").set_value(1.0).run()
    ok(at)
    assert calibrated(at)[1] == pytest.approx(2 * hi + 1, rel=2e-3)
    at.selectbox(key="dist").set_value("relu").run()
    ok(at)
    assert calibrated(at)[0] == 0.0  # ReLU outputs are never negative
    assert "ReLU activations" in captions(at)
    assert at.slider(key="relu.std").value == 1.0  # each distribution has its own sliders


def test_uniform_with_low_above_high_shows_an_error_and_keeps_the_tensor(page):
    at = page(n=N, dist="uniform")
    before = calibrated(at)
    at.slider(key="uniform.low").set_value(2.0).run()
    ok(at, errors=False)
    assert any("low=2.0 must be below high=1.0" in e.value for e in at.error)
    assert calibrated(at) == before
    assert any("previous tensor" in i.value for i in at.info)


def test_n_and_seed(page):
    at = page(n=N)
    first = calibrated(at)
    at.slider(key="seed").set_value(7).run()
    ok(at)
    x, qp = expected_qparams(QuantConfig(), seed=7)
    assert calibrated(at) != first
    assert metric(at, "scale") == f"{qp.scale:.6g}"
    at.selectbox(key="n").set_value(1_000).run()
    ok(at)
    assert "1,000 values" in captions(at)


def test_rounding_floor_doubles_the_largest_error(page):
    at = page(n=N, dist="uniform")
    half_even = float(metric(at, "max |x_hat - x|"))
    scale = float(metric(at, "scale"))
    assert half_even <= scale / 2 * 1.01
    at.selectbox(key="rounding").set_value("floor").run()
    ok(at)
    floor = float(metric(at, "max |x_hat - x|"))
    assert scale / 2 < floor <= scale * 1.01


def test_textbook_arithmetic_divides_in_the_worked_example(page):
    at = page(n=N)
    assert any(r"\times" in latex.value and r"\frac{x}{s} =" in latex.value
               for latex in at.latex)
    at.button_group(key="arith").set_value("textbook").run()
    ok(at)
    assert any(re.search(r"\\frac\{x\}\{s\} = \\frac\{", latex.value) for latex in at.latex)


def test_the_outliers_preset_says_the_zero_point_differs_not_ties(page):
    # the textbook computes Z = 128 for [-20, 20] where PyTorch has 127: it said "rare ties"
    at = page(n=100_000, dist="outliers")
    x = sample("outliers", 100_000, 0)
    d = disagreements(x, QuantConfig(), -20.0, 20.0)[0]
    text = markdown(at)
    said = en("arith.zero_point", mine=en("arith.label.pytorch"),
              other=en("arith.label.textbook"), zp=127, zp_other=128,
              count=f"{d.count:,}", n="100,000")
    assert said in text
    assert text.index(said) < text.index(en("arith.label.fbgemm") + "**: the same zero point")


@pytest.mark.parametrize("method", ["percentile", "mse", "entropy"])
def test_clipping_calibrators_choose_a_narrower_range_than_minmax(page, method):
    at = page(n=N, dist="outliers")
    minmax = calibrated(at)
    at.selectbox(key="calib").set_value(method).run()
    ok(at)
    lo, hi = calibrated(at)
    assert hi - lo < minmax[1] - minmax[0]
    assert float(metric(at, "clipped").removesuffix(" %")) > 0


def test_percentile_and_its_parameter(page):
    at = page(n=N, calib="percentile")
    assert at.slider(key="pct").value == 99.9
    wide = calibrated(at)
    at.slider(key="pct").set_value(95.0).run()
    ok(at)
    narrow = calibrated(at)
    assert narrow[1] - narrow[0] < wide[1] - wide[0]
    x = sample("normal", N, 0)
    expected = observers.calibrate("percentile", x, QuantConfig(), percentile=95.0)
    assert narrow == (pytest.approx(expected[0], rel=1e-3), pytest.approx(expected[1], rel=1e-3))


def test_moving_average_and_its_constant(page):
    at = page(n=N, calib="moving_average")
    x = sample("normal", N, 0)
    expected = observers.calibrate("moving_average", x, QuantConfig(), batches=32,
                                   averaging_constant=0.01)
    assert calibrated(at) == (pytest.approx(expected[0], rel=1e-3),
                              pytest.approx(expected[1], rel=1e-3))
    at.slider(key="avg").set_value(1.0).run()
    ok(at)
    # c = 1 follows the last batch: its own min and max
    last = np.array_split(x, 32)[-1]
    assert calibrated(at) == (pytest.approx(float(last.min()), rel=1e-3),
                              pytest.approx(float(last.max()), rel=1e-3))


@pytest.mark.parametrize("name", list(explore.PRESETS))
def test_each_preset_sets_its_controls(page, name):
    at = page(n=N)
    at.button(key=f"preset_{name}").click().run()
    ok(at)
    preset = explore.PRESETS[name]
    for key, value in preset.items():
        assert at.session_state[key] == value, key
    shown = {"bits": at.slider(key="bits").value, "signed": at.toggle(key="signed").value,
             "scheme": at.button_group(key="scheme").value,
             "calib": at.selectbox(key="calib").value, "dist": at.selectbox(key="dist").value}
    assert shown == {k: preset[k] for k in shown}
    if name == "relu_signed":
        used, levels = codes_used(at)
        assert levels == 256 and used <= 128  # the negative half is unreachable
    if name == "all_positive":
        assert any("do not contain 0" in w.value for w in at.warning)
    if name == "weights":
        assert zero_point(at) == 0


def test_worked_example_value(page):
    at = page(n=N)
    at.number_input(key="x0").set_value(2.0).run()
    ok(at)
    latex = "\n".join(item.value for item in at.latex)
    assert r"\frac{x}{s} = 2 \times" in latex
    _, qp = expected_qparams(QuantConfig())
    q = int(quantize(np.array([2.0], np.float32), qp)[0])
    assert rf"= {q}" in latex
    assert at.query_params["x0"] == "2.0"


def test_presentation_mode_enlarges_text_and_figures(page):
    at = page(n=N)
    # the style sheet is always sent; the projector's sizes only while the switch is on
    from quantviz.ui.shell import _PRESENTATION_CSS, _STYLE_CSS

    assert [h.proto.body for h in at.get("html")] == [_STYLE_CSS.strip()]
    at.toggle(key="present").set_value(True).run()
    ok(at)
    assert [h.proto.body for h in at.get("html")] == [_STYLE_CSS.strip(),
                                                      _PRESENTATION_CSS.strip()]
    assert "font-size: 22px" in _PRESENTATION_CSS
    sizes = {json.loads(c.proto.spec)["layout"]["font"]["size"] for c in at.get("plotly_chart")}
    assert sizes == {present.Theme.presentation().font_size}
    assert at.query_params["present"] == "1"


def test_language_switch_to_chinese(page):
    at = page(n=N)
    at.button_group(key="lang").set_value("zh").run()
    ok(at)
    assert at.title[0].value == TABLE["explore.title"][1]
    assert {m.label for m in at.metric} >= {TABLE["metric.codes_used"][1],
                                            TABLE["metric.clipped"][1]}
    titles = [title_of(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]
    assert TABLE["fig.values"][1] in titles and TABLE["fig.mapping"][1] in titles
    assert at.slider(key="bits").label == TABLE["bits.label"][1]
    # the notes a figure adds to its legend are translated too
    legend = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]["name"]
    assert legend == f"{TABLE['fig.grid'][1]} {TABLE['fig.thinned'][1].format(k=4)}"
    # (a fresh run: AppTest formats a selectbox's value outside the run, in English, so it
    # cannot send a Chinese page's widgets back)
    at = page(n=N, lang="zh", bits=16)
    bars = json.loads(at.get("plotly_chart")[2].proto.spec)["data"][0]["name"]
    assert bars == f"{TABLE['fig.per_code'][1]} {TABLE['fig.per_bar'][1].format(n=128)}"


@pytest.mark.parametrize("signed", ["0", "1"])
def test_the_chinese_formulas_carry_chinese_words(run_page, signed):
    # symmetric shows "Z = 0 (signed)" and every scheme "log2(codes used)": both in Chinese
    at = run_page("explore", {"n": N, "lang": "zh", "scheme": "symmetric", "signed": signed},
                  session={"open_defs": True, "open_worked_notes": True})  # both expanders opened
    assert len(at.latex) == 3
    assert not english_in_formulas(at)
    definitions = at.latex[0].value
    assert rf"\text{{{TABLE['formula.codes_used'][1]}}}" in definitions
    assert rf"\text{{{TABLE['formula.signed'][1]}}}" in definitions


def test_source_upload_without_a_file_keeps_the_distribution(page):
    at = page(n=N)
    before = calibrated(at)
    at.button_group(key="src").set_value("upload").run()
    ok(at)
    assert len(at.get("file_uploader")) == 1
    assert any(TABLE["upload.none"][0] == i.value for i in at.sidebar.info)
    assert calibrated(at) == before


# --- uploads ---------------------------------------------------------------------------------

def npz_bomb(elements: int) -> bytes:
    """An .npz whose member declares ``elements`` float32 zeros: a few hundred kB inflating
    to ``4 * elements`` bytes (the zip is written by hand around one deflate stream)."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (elements,)})
    body = header.getvalue() + bytes(4 * elements)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("big.npy", body)
    del body
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = npz_bomb(60_000_000)  # 240 MB inflated, above the 50 million value limit
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.getinfo("big.npy").file_size > 100 * len(data)
    return data


def test_a_good_upload_is_quantized(page):
    at = page(n=N, src="upload")
    x = np.linspace(-2, 2, 501, dtype=np.float32)
    upload(at, "weights.npy", npy(x))
    assert not at.error
    assert "Tensor: weights from weights.npy, 501 values." in rendered(captions(at))
    assert calibrated(at) == (-2.0, 2.0)
    qp = compute_qparams(-2.0, 2.0, QuantConfig())
    assert metric(at, "scale") == f"{qp.scale:.6g}" and zero_point(at) == qp.zero_point


def test_an_npz_offers_its_tensors(page):
    at = page(n=N, src="upload")
    buffer = io.BytesIO()
    np.savez(buffer, a=np.ones(10, np.float32), b=np.arange(-5, 5, dtype=np.float32))
    upload(at, "pair.npz", buffer.getvalue())
    assert at.selectbox(key="tensor").options == ["a  [10]  float32", "b  [10]  float32"]
    at.selectbox(key="tensor").set_value("b").run()
    ok(at)
    assert "Tensor: b from pair.npz" in rendered(captions(at))
    assert calibrated(at) == (-5.0, 4.0)


def test_a_gguf_offers_its_tensors_dequantized(page):
    # llama.cpp's file on the tensor picker: every tensor, dequantized as gguf-py does
    from quantviz import gguf, gguf_file

    x = np.linspace(-1, 1, 512, dtype=np.float32).reshape(2, 256)
    q = gguf.quantize(x, "Q8_0")
    data = gguf_file.write_gguf({"blk.0.attn_q.weight": ("Q8_0", q, x.shape)}, {})
    at = page(n=N, src="upload")
    upload(at, "tiny.gguf", data)
    ok(at)
    assert "Tensor: blk.0.attn_q.weight from tiny.gguf" in rendered(captions(at))
    x_hat = gguf.dequantize(q, "Q8_0", x.shape)
    # the metric's help shows float32 to 9 significant digits
    assert calibrated(at) == tuple(float(f"{v:.9g}") for v in (x_hat.min(), x_hat.max()))


def test_dropping_non_finite_values(page):
    at = page(n=N, src="upload")
    upload(at, "gaps.csv", b"1.5\nnan\n-0.5\ninf\n2.5\n")
    assert any("not finite" in e.value for e in at.error)
    assert en("drop.hint") in captions(at)  # the page says which switch helps
    at.toggle(key="drop").set_value(True).run()
    ok(at)
    assert "Tensor: gaps from gaps.csv, 3 values." in rendered(captions(at))
    assert calibrated(at) == (-0.5, 2.5)


def test_a_tiny_upload_works_with_the_moving_average(page):
    # 10 values cannot be fed as 32 batches: the batches are capped at the number of values
    at = page(n=N, src="upload", calib="moving_average")
    upload(at, "ten.npy", npy(np.arange(10, dtype=np.float32)))
    assert not at.error and "10 values" in captions(at)


@pytest.mark.parametrize("name, data, says", [
    ("model.pkl", b"\x80\x04K\x01.", "pickle"),
    ("model.pt", b"PK\x03\x04 not really", "pickle"),
    ("objects.npy", npy(np.array([1, "a", None], dtype=object), allow_pickle=True),
     "Python objects"),
    ("broken.npz", b"PK\x05\x06" + bytes(18), "npz"),
    ("text.csv", b"a,b\n1,x\n", "csv"),
    # more numbers than a text file may hold (parsing text is slow): refused, not parsed
    ("wide.csv", b"0," * 2_000_000 + b"0\n", "reads text files of at most"),
])
def test_a_bad_upload_shows_an_error_and_keeps_the_previous_tensor(page, name, data, says):
    at = page(n=N, src="upload")
    upload(at, "good.npy", npy(np.linspace(-1, 1, 300, dtype=np.float32)))
    before = [m.value for m in at.metric]
    upload(at, name, data)
    errors = " ".join(e.value for e in at.error)
    assert says.lower() in errors.lower()
    assert "Tensor: good from good.npy, 300 values." in rendered(captions(at))
    assert any("previous tensor" in i.value for i in at.info)
    assert [m.value for m in at.metric] == before


def test_a_zip_bomb_is_refused_from_its_header(page, bomb):
    at = page(n=N, src="upload")
    upload(at, "good.npy", npy(np.linspace(-1, 1, 300, dtype=np.float32)))
    upload(at, "bomb.npz", bomb)
    errors = rendered(" ".join(e.value for e in at.error))
    assert "240,000,128 bytes" in errors and "at most 64 times" in errors  # 60 M float32
    assert "good.npy" in rendered(captions(at))


def test_the_uploader_takes_pickles_only_to_explain_the_refusal(page):
    at = page(n=N, src="upload")
    allowed = set(at.get("file_uploader")[0].allowed_type)
    assert {".npy", ".npz", ".csv", ".safetensors"} <= allowed
    assert {e for e in controls.PICKLES} <= allowed


# --- links -----------------------------------------------------------------------------------

def test_a_query_string_restores_the_view(page):
    at = page(bits=4, scheme="symmetric", signed=1, dist="relu", n=N, calib="percentile",
              pct=99.5, lang="en", seed=3)
    assert at.slider(key="bits").value == 4
    assert at.button_group(key="scheme").value == "symmetric"
    assert at.toggle(key="signed").value is True
    assert at.selectbox(key="dist").value == "relu"
    assert at.slider(key="pct").value == 99.5
    assert at.slider(key="seed").value == 3
    used, levels = codes_used(at)
    assert levels == 16 and used <= 8  # ReLU under signed symmetric: the codes 0..7 at most
    assert zero_point(at) == 0
    x = sample("relu", N, 3)
    x_min, x_max = observers.calibrate("percentile", x, QuantConfig(4, "symmetric", True),
                                       percentile=99.5)
    qp = compute_qparams(x_min, x_max, QuantConfig(4, "symmetric", True))
    assert metric(at, "scale") == f"{qp.scale:.6g}"
    # the URL keeps exactly the non-default values
    assert at.query_params == {"bits": "4", "scheme": "symmetric", "signed": "1",
                               "dist": "relu", "n": str(N), "calib": "percentile",
                               "pct": "99.5", "seed": "3"}


def test_a_hand_edited_link_falls_back_to_defaults(page):
    at = page(bits=99, scheme="nonsense", n="many", dist="relu")
    assert at.slider(key="bits").value == 8
    assert at.button_group(key="scheme").value == "asymmetric"
    assert at.selectbox(key="n").value == controls.N.default
    assert at.selectbox(key="dist").value == "relu"


def test_a_chinese_link_opens_in_chinese(page):
    at = page(lang="zh", n=N)
    assert at.title[0].value == TABLE["explore.title"][1]
    assert TABLE["worked.heading"][1] in [s.value for s in at.subheader]


# --- downloads -------------------------------------------------------------------------------

@pytest.fixture
def downloads(monkeypatch):
    """What the download buttons would send: file name -> bytes (callables are called)."""
    sent: dict[str, object] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(self, data, mimetype, coordinates, file_name=None, **kw):
        sent[file_name] = data
        return add(self, data, mimetype, coordinates, file_name=file_name, **kw)

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        sent[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name,
                            **kw)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return sent


def test_downloads_hold_the_codes_the_reconstruction_and_the_parameters(page, downloads):
    at = page(n=N, bits=5, signed=1)
    assert [b.label for b in at.get("download_button")] == [
        TABLE["download.codes"][0], TABLE["download.x_hat"][0], TABLE["download.params"][0]]
    cfg = QuantConfig(5, signed=True)
    x, qp = expected_qparams(cfg)

    params = json.loads(downloads["qparams.json"]())  # built when clicked, as the others
    assert params["bits"] == 5 and params["signed"] is True
    assert (params["qmin"], params["qmax"]) == (-16, 15)
    assert params["scale"] == qp.scale and params["zero_point"] == qp.zero_point
    assert params["zp_notes"] == -qp.zero_point
    assert params["multiplier"] == pytest.approx(1 / qp.scale, rel=1e-6)

    codes = np.load(io.BytesIO(downloads["q.npy"]()), allow_pickle=False)
    np.testing.assert_array_equal(codes, quantize(x, qp))
    assert codes.dtype == np.int8
    x_hat = np.load(io.BytesIO(downloads["x_hat.npy"]()), allow_pickle=False)
    assert x_hat.dtype == np.float32 and x_hat.shape == x.shape
    assert np.max(np.abs(x_hat - x)) <= qp.scale / 2 * 1.001


def test_an_upload_evicted_from_the_cache_loads_again_when_sent_again(page):
    # Asking for a kept upload without its bytes must not cache a failure under its key:
    # the same file uploaded again later has to load.
    from quantviz.ui import cache

    data = npy(np.array([1.0, 2.0, 3.0], np.float32))
    with pytest.raises(cache.UploadGone):
        cache.upload_tensor(cache.digest(data), "a.npy", "a", False, None)
    at = page(n=N, src="upload")
    upload(at, "a.npy", data)
    ok(at)
    assert "Tensor: a from a.npy, 3 values." in rendered(captions(at))


# --- sentences that state numbers or toolchain facts -----------------------------------------


def test_intro_limits_the_bit_for_bit_claim_to_pytorchs_observers(page):
    at = page(n=N)
    assert en("explore.intro") in [c.value for c in at.caption]
    assert "Percentile, MSE and Entropy are calibrators of our own" in en("explore.intro")


def test_preset_help_states_its_distributions_defaults(page):
    at = page(n=N)
    button = next(b for b in at.button if b.key == "preset_all_positive")
    # all_positive samples uniform on [low, high] with the registry's defaults 1 and 3
    assert button.help == en("preset.all_positive.help", low="1", high="3")
    helps = {b.key: b.help for b in at.button if b.key and b.key.startswith("preset_")}
    assert "quantization-aware training" in helps["preset_activations"]


def test_a_range_at_the_eps_floor_says_so_with_the_cores_eps(page):
    at = page(n=N, src="upload")
    upload(at, "zeros.npy", npy(np.zeros(16, dtype=np.float32)))
    assert en("gap.degenerate", eps=f"{EPS:.6g}") in [i.value for i in at.info]
    assert f"{EPS:.6g}" == "1.19209e-07"  # 2^-23


def test_calibration_help_states_the_batch_count_the_code_uses(page):
    at = page(n=N)
    assert at.selectbox(key="calib").help == en("calib.help", batches=controls.BATCHES)
    assert f"in {controls.BATCHES} batches" in at.selectbox(key="calib").help


def test_reduce_range_drops_one_bit(run_page):
    # uint8 with reduce_range: PyTorch's 0..127, so 128 codes
    at = run_page("explore", {"n": 1000, "reduce": "true"})
    assert at.toggle(key="reduce").value
    assert metric(at, TABLE["metric.codes_used"][0]).endswith("/ 128")
    at = run_page("explore", {"n": 1000, "reduce": "true", "bits": 2})
    assert "Reduce range needs at least 3 bits; at 2 bits it is off." in captions(at)


def test_the_histogram_observer_is_offered(run_page):
    at = run_page("explore", {"n": 1000, "calib": "histogram"})
    assert at.selectbox(key="calib").value == "histogram"
    cfg = QuantConfig(8, "asymmetric")
    x = sample("normal", 1000, 0).astype(np.float32)
    qp = compute_qparams(*observers.calibrate("histogram", x, cfg), cfg)
    assert metric(at, "scale") == f"{qp.scale:.6g}"


def test_the_histogram_observer_on_values_near_float32_max(run_page):
    at = run_page("explore", {"src": "upload", "calib": "histogram"})
    upload(at, "h.npy", npy(np.array([3.4e38, 1.0, -2.0], np.float32)))
    ok(at)


def test_the_worked_example_teaches_one_convention_and_the_notes_on_request(run_page):
    # PyTorch's form (Z added) at full width in every mode; the notes' form (zp subtracted)
    # typeset only once its expander is opened
    plain_run, presented = run_page("explore", {"n": N}), run_page("explore", {"n": N,
                                                                                "present": 1})
    assert len(plain_run.columns) == len(presented.columns)
    assert len(presented.latex) == len(plain_run.latex) == 1
    assert "+ " in plain_run.latex[0].value and en("worked.others") in [
        e.label for e in plain_run.expander]
    opened = run_page("explore", {"n": N}, session={"open_worked_notes": True})
    assert len(opened.latex) == 2 and en("worked.notes") in markdown(opened)


# ---------------------------------------------------------------- controls across runs


def _set_again(at) -> set[str]:
    """The controls this run told the browser to set to a value from the server."""
    kinds = ("slider", "selectbox", "toggle", "button_group", "number_input")
    return {w.key for kind in kinds for w in getattr(at, kind) if w.proto.set_value}


def _follow_link(at, page: str) -> None:
    """Open ``page`` as its link in the navigation does: without the query string, so what
    carries a value over is the session, not the URL."""
    at.query_params.clear()
    at.switch_page(f"pages/{page}.py").run()


def test_a_rerun_sets_no_control_again(app_test):
    # the browser resets a control whose value the server sends: on a page's first run, and
    # never on a move (every control on every run cost about 40 ms of a Bits move)
    at = app_test("explore")
    at.run()
    assert {"bits", "scheme", "calib", "dist"} <= _set_again(at)
    at.slider(key="bits").set_value(4).run()
    assert _set_again(at) == set()
    at.run()
    assert _set_again(at) == set()
    # another page draws bits and scheme as widgets of its own: they start from the values
    _follow_link(at, "per_channel")
    ok(at)
    assert {"bits", "scheme"} <= _set_again(at) and at.slider(key="bits").value == 4
    at.run()
    assert _set_again(at) == set()


def test_a_control_keeps_its_value_while_hidden_and_over_a_page_without_it(app_test):
    at = app_test("explore", {"n": N, "calib": "percentile"})
    at.run()
    at.slider(key="pct").set_value(95.0).run()
    at.slider(key="bits").set_value(6).run()  # the last run to draw pct does not set it
    narrow = calibrated(at)
    at.selectbox(key="calib").set_value("minmax").run()
    assert "pct" not in {s.key for s in at.slider}
    at.slider(key="bits").set_value(5).run()  # a finished run without the percentile
    _follow_link(at, "outliers")  # a page without bits
    ok(at)
    assert "bits" not in {s.key for s in at.slider}
    _follow_link(at, "explore")
    ok(at)
    assert at.slider(key="bits").value == 5
    at.selectbox(key="calib").set_value("percentile").run()
    ok(at)
    assert at.slider(key="pct").value == 95.0
    at.slider(key="bits").set_value(6).run()
    assert calibrated(at) == narrow


def test_the_log_count_switch_and_the_error_chart_in_words(page):
    # ReLU outputs: the exact zeros are one tall bar; the switch puts counts on a log axis
    at = page(dist="relu", logy="1")
    ok(at)
    values = next(c for c in charts_of(at) if title_of(c) == en("fig.values"))
    assert values["layout"]["yaxis"]["type"] == "log"
    at = page(dist="relu")
    values = next(c for c in charts_of(at) if title_of(c) == en("fig.values"))
    assert values["layout"]["yaxis"].get("type") != "log"
    # the error chart's sentence: the band [-s/2, s/2] and s^2/12 with this tensor's scale
    scale = float(metric(at, "scale"))  # 6 digits, more than the sentence's 4 and 3
    words = captions(at)
    assert f"[-{scale / 2:.4g}, {scale / 2:.4g}] (scale = {scale:.4g})" in words
    assert f"scale²/12 = {scale ** 2 / 12:.3g}" in words
    assert en("explore.errors.none") in words  # MinMax clips nothing


def charts_of(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
