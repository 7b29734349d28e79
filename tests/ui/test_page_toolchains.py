"""The Toolchains page under Streamlit's AppTest: every distribution, an upload, the comparison
controls, the snippets, both languages. Expected numbers come from the core."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz.distributions import DISTRIBUTIONS, sample
from quantviz.quantize import QuantConfig, Refusal, compute_qparams
from quantviz.studies import toolchains as toolchain_study
from quantviz.toolchains import (
    TOOLCHAINS,
    onnxruntime_qparams,
    pytorch_qparams,
    tflite_qparams,
)
from quantviz.ui import controls
from quantviz.ui.i18n import TABLE
from tests.helpers import captions, en, markdown, npy, ok, rendered, upload, zh

N = 1000
NAMES = [TABLE[f"toolchains.name.{k}"][0] for k in TOOLCHAINS]


@pytest.fixture
def page(run_page):
    return lambda **query: run_page("toolchains", query)


def shown(at) -> list[dict]:
    return at.table[0].value.to_dict("records")


def check_table(at, x: np.ndarray) -> None:
    want = toolchain_study.toolchain_rows(x, controls.BATCHES)
    got = shown(at)
    assert [r["toolchain"] for r in got] == NAMES
    for row, w in zip(got, want, strict=True):
        assert row["scale"] == f"{w.qp.scale:.6g}"
        assert int(row["zero_point"]) == w.qp.zero_point
        assert row["qmin..qmax"] == f"{w.qp.qmin}..{w.qp.qmax}"
        assert float(row["SQNR (dB)"]) == pytest.approx(w.sqnr_db, abs=0.006)
        assert row["codes used"] == f"{w.codes_used} / {w.levels}"


@pytest.mark.parametrize("dist", list(DISTRIBUTIONS))
def test_every_distribution(page, dist):
    at = page(dist=dist, n=N)
    x = np.asarray(sample(dist, N, 0), dtype=np.float32)
    check_table(at, x)
    assert len(at.code) == len(TOOLCHAINS)


def test_an_uploaded_tensor(page):
    at = page(src="upload")
    x = np.concatenate([np.linspace(-1, 3, 500), [40.0]]).astype(np.float32)
    upload(at, "a.npy", npy(x))
    ok(at)
    check_table(at, x)
    assert "Tensor: a from a.npy, 501 values." in [rendered(c.value) for c in at.caption]


def test_a_bad_upload_gives_a_sentence_and_keeps_a_tensor(page):
    at = page(src="upload")
    upload(at, "bad.npy", b"not a numpy file")
    assert at.error and not at.exception


def test_the_comparison_counts_the_differences(page):
    at = page(n=N, **{"tc.a": "pytorch_explicit", "tc.b": "onnxruntime_static"})
    x = np.asarray(sample("normal", N, 0), dtype=np.float32)
    rows = {r.key: r for r in toolchain_study.toolchain_rows(x, controls.BATCHES)}
    d = toolchain_study.disagreement(x, rows["pytorch_explicit"].qp,
                                     rows["onnxruntime_static"].qp)
    a, b = NAMES[2], NAMES[3]
    text = markdown(at)
    if d.count:
        assert en("toolchains.compare.count", a=a, b=b, count=f"{d.count:,}", n=f"{N:,}") in text
    else:
        assert en("toolchains.compare.none", a=a, b=b, n=f"{N:,}") in text
    at = page(n=N, **{"tc.a": "pytorch_x86_ptq", "tc.b": "tensorrt"})
    d = toolchain_study.disagreement(x, rows["pytorch_x86_ptq"].qp, rows["tensorrt"].qp)
    assert d.counts["grid"] > 0
    assert en("toolchains.compare.count", a=NAMES[0], b=NAMES[4], count=f"{d.count:,}",
              n=f"{N:,}") in markdown(at)


def test_snippets_are_the_registry_s_and_compile(page):
    at = page(n=N)
    codes = [c.value for c in at.code]
    assert codes == [tc.snippet.format(batches=controls.BATCHES).strip()
                     for tc in TOOLCHAINS.values()]
    for code in codes:
        compile(code, "snippet", "exec")


def test_chinese(page):
    at = page(n=N, lang="zh")
    assert at.title[0].value == TABLE["toolchains.title"][1]
    assert [r["工具链"] for r in shown(at)] == [TABLE[f"toolchains.name.{k}"][1]
                                              for k in TOOLCHAINS]


def test_pytorch_quirks_are_shown(page):
    at = page(n=N, dist="relu")
    x = np.asarray(sample("relu", N, 0), dtype=np.float32)
    want = toolchain_study.pytorch_quirks(x, controls.BATCHES)
    got = at.table[2].value.to_dict("records")
    assert [r["PyTorch call"] for r in got] == [
        TABLE[f"toolchains.quirk.{q.key}"][0] for q in want]
    assert [r["zero_point"] for r in got[:3]] == ["128", "127", "128"]
    assert got[2]["qmin..qmax"] == "0..127"
    # the reason is a sentence: below the table, not cut off in a cell
    assert got[3]["scale"] == "—" and got[3]["note"] == "refused (see below)"
    assert en("toolchains.quirk.refused", call=TABLE["toolchains.quirk.minmax_reduce"][0],
              reason=want[3].error) in captions(at)
    assert want[3].error.startswith("PyTorch's MinMax")
    assert en("toolchains.quirks.intro", zp=128) in markdown(at)


def test_tensorrt_paragraph_gives_modelopt_s_clamp_and_the_calibrated_codes(page):
    # ModelOpt's tensor_quant defaults to narrow_range=False: clamp to -128..127, while values
    # within the calibrated amax (x * 127 / amax) land on -127..127.
    at = page(n=N)
    text = markdown(at)
    assert en("toolchains.about.tensorrt", qmin=-127, qmax=127, qmin_full=-128) in text
    assert "the narrow range" not in text


def test_the_examples_caption_says_their_order(page):
    # toolchain_study.disagreement orders rounding, then clipped, then grid: on two different
    # grids there are no rounding ones, so the caption must not promise near-ties.
    at = page(n=N)
    assert en("toolchains.compare.examples") in captions(at)
    assert "near-ties first" not in captions(at)


# --- refusals in both languages: a Chinese sentence per kind, the core's English kept -------

F32 = np.float32
REFUSALS = {  # each kind of refusal, from a call that makes it
    "unscalable": lambda: compute_qparams(-3e38, 3e38, QuantConfig()),
    "symmetric_reduce_quint8": lambda: pytorch_qparams(
        np.ones(4, F32), dtype="quint8", qscheme="per_tensor_symmetric", reduce_range=True),
    "histogram_overflow": lambda: pytorch_qparams(np.array([3e38, -3e38], F32),
                                                  observer="histogram"),
    # float32 rounding inverts the averaged pair (the case of test_toolchains.py)
    "average_inverted": lambda: pytorch_qparams(
        [np.array([66.0, 0.0], F32), np.array([1.3501164], F32)], observer="moving_average",
        averaging_constant=1.0),
    # a span of 5.7e-14 around -1.5 eps: the search's error terms are subnormal, and the
    # zero point depends on what it would pick (the case of test_toolchains.py)
    "histogram_underflow": lambda: pytorch_qparams(
        [(F32(-3 * 2.0**-24) + np.arange(-2, 3, dtype=F32) * F32(2.0**-46)).astype(F32)],
        observer="histogram"),
    "float32_range": lambda: tflite_qparams(-3e38, 3e38),
    "not_finite": lambda: onnxruntime_qparams(float("nan"), 1.0),
}


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_each_refusal_has_its_sentence_in_both_languages(kind):
    with pytest.raises(Refusal) as info:
        REFUSALS[kind]()
    exc = info.value
    assert exc.kind == kind
    # the English sentence is the core's message; the Chinese fills the same numbers
    assert en(f"toolchains.refusal.{kind}", **exc.values) == str(exc)
    chinese = zh(f"toolchains.refusal.{kind}", **exc.values)
    for value in exc.values.values():
        assert value in chinese


def test_the_chinese_page_says_why_in_chinese_and_keeps_the_original(page):
    # relu data: MinMaxObserver refuses quint8 symmetric with reduce_range
    at = page(n=N, dist="relu", lang="zh")
    x = np.asarray(sample("relu", N, 0), dtype=np.float32)
    refused = next(q for q in toolchain_study.pytorch_quirks(x, controls.BATCHES)
                   if q.qp is None)
    call = TABLE[f"toolchains.quirk.{refused.key}"][1]
    shown = captions(at)
    assert zh("toolchains.quirk.refused", call=call,
              reason=zh("toolchains.refusal.symmetric_reduce_quint8")) in shown
    # only PyTorch's own quoted words stay in English, not our English sentence around them
    words = "'Cannot reduce range for symmetric quantization for quint8'"
    assert zh("toolchains.refused.original", name=call, message=words) in shown
    assert not any(refused.error in c for c in shown)
    # the English page says it once, in the core's words
    at = page(n=N, dist="relu")
    assert TABLE["toolchains.refused.original"][0].split("{")[1] not in captions(at)


def test_an_overflowing_tensor_is_refused_in_chinese(page):
    # (uploaded on the English page, then switched: AppTest sends a selectbox's value back
    # formatted in English, which a Chinese page would not recognise)
    at = page(src="upload")
    x = np.array([3e38, -3e38, 0.0], F32)
    upload(at, "big.npy", npy(x))
    at.button_group(key="lang").set_value("zh").run()
    ok(at)
    rows = toolchain_study.toolchain_rows(x, controls.BATCHES)
    cells = [r["scale"] for r in at.table[0].value.to_dict("records")]
    for row, cell in zip(rows, cells, strict=True):
        if row.qp is None:
            kind, values = row.refusal
            assert cell == zh("toolchains.refused",
                              reason=zh(f"toolchains.refusal.{kind}", **dict(values)))
            assert not any(row.error in c for c in captions(at))  # no English sentence
    assert sum(r.qp is None for r in rows) >= 2
