"""The checkpoint report: per-tensor measures against the core's own functions, by-hand
statistics, the synthetic checkpoint, uploads tensor by tensor, progress and failures."""

from __future__ import annotations

import math

import numpy as np
import pytest
from safetensors.numpy import save as save_safetensors

from quantviz import loaders
from quantviz.formats import fake_quantize_format, row_local
from quantviz.metrics import sqnr_db
from quantviz.quantize import QuantConfig, compute_qparams, fake_quantize
from quantviz.studies import checkpoint as ck
from quantviz.studies import granularity

INT8 = QuantConfig(8, "symmetric", signed=True)
UINT8 = QuantConfig(8, "asymmetric")


def test_moments_by_hand():
    # [0, 0, 0, 2]: mean 0.5, var 0.75, E[d^4] = 1.3125 -> kurtosis 1.3125 / 0.5625 = 7/3
    m = ck.moments(np.array([0.0, 0.0, 0.0, 2.0], np.float32))
    assert (m.x_min, m.x_max, m.mean) == (0.0, 2.0, 0.5)
    assert m.std == pytest.approx(math.sqrt(0.75)) and m.kurtosis == pytest.approx(7 / 3)
    assert m.beyond == 0.0
    # 999 zeros and one 1000: mean 1, std = sqrt(999 * 1 + 999^2) / sqrt(1000) = 31.6 ->
    # only the 1000 lies beyond 6 std (189.6) from the mean: share 1/1000
    m = ck.moments(np.r_[np.zeros(999), 1000.0])
    assert m.beyond == pytest.approx(0.001)
    const = ck.moments(np.full(7, 3.0))
    assert const.std == 0 and const.kurtosis == 0 and const.beyond == 0
    with pytest.raises(ValueError, match="empty"):
        ck.moments(np.array([]))


def test_moments_in_chunks_equal_the_whole(monkeypatch):
    x = np.random.default_rng(1).standard_t(4, 10_001).astype(np.float32)
    whole = ck.moments(x)
    monkeypatch.setattr(ck, "CHUNK", 1000)
    chunked = ck.moments(x)
    assert chunked.kurtosis == pytest.approx(whole.kurtosis, rel=1e-9)
    assert chunked.beyond == whole.beyond
    d = x.astype(np.float64) - x.mean(dtype=np.float64)
    assert whole.kurtosis == pytest.approx(np.mean(d**4) / np.mean(d**2) ** 2, rel=1e-9)


def test_histogram_counts_by_hand_and_like_numpy():
    # bins of width 0.5 over [0, 1]: [0, 0.5) holds 0 and 0.25; [0.5, 1] holds 0.5, 1, 1
    assert ck.histogram_counts(np.array([0.0, 0.25, 0.5, 1.0, 1.0]), 0.0, 1.0, 2) == (2, 3)
    x = np.random.default_rng(2).standard_normal(50_000).astype(np.float32)
    lo, hi = float(x.min()), float(x.max())
    assert ck.histogram_counts(x, lo, hi) == tuple(np.histogram(x, ck.HIST_BINS, (lo, hi))[0])
    assert sum(ck.histogram_counts(np.full(4, 2.0), 2.0, 2.0)) == 4  # constant: one bin


@pytest.mark.parametrize("cfg", [INT8, UINT8, QuantConfig(4, "symmetric", signed=True)])
def test_quant_sums_equal_the_granularity_study(cfg, monkeypatch):
    x = np.random.default_rng(3).standard_normal((24, 256)).astype(
        np.float32) * np.geomspace(0.01, 1, 24)[:, None].astype(np.float32)
    comp = granularity.compare(x, cfg, 0)
    monkeypatch.setattr(ck, "CHUNK", 700)  # several blocks of rows
    assert ck.quant_sums(x, cfg, "tensor").sqnr_db == pytest.approx(comp.per_tensor.sqnr_db,
                                                                    abs=1e-9)
    assert ck.quant_sums(x, cfg, "channel").sqnr_db == pytest.approx(comp.per_channel.sqnr_db,
                                                                     abs=1e-9)
    assert ck.quant_sums(x, cfg, "group", 128).sqnr_db == pytest.approx(
        comp.group(128).sqnr_db, abs=1e-9)
    assert ck.quant_sums(x, cfg, "channel").n_params == 24
    assert ck.quant_sums(x, cfg, "group", 64).n_params == 24 * 4


def test_quant_sums_clipped_range_splits_the_error():
    # range clipped to [-1, 1], int8 symmetric: scale 1/127.5; 3.0 saturates at 127/127.5
    x = np.array([[0.5, -0.25, 3.0, 0.0]], np.float32)
    s = ck.quant_sums(x, INT8, "tensor", clip_at=(-1.0, 1.0))
    qp = compute_qparams(-1.0, 1.0, INT8)
    x_hat = fake_quantize(x, qp).astype(np.float64)
    err = (x - x_hat) ** 2
    assert s.sse == pytest.approx(err.sum()) and s.sse_clipped == pytest.approx(err[0, 2])
    assert s.sqnr_db == pytest.approx(sqnr_db(x, x_hat))


def test_quant_sums_refuses_what_does_not_apply():
    with pytest.raises(ValueError, match="2 or more"):
        ck.quant_sums(np.ones(8), INT8, "channel")
    with pytest.raises(ValueError, match="does not divide"):
        ck.quant_sums(np.ones((2, 100)), INT8, "group", 128)
    with pytest.raises(ValueError, match="kind"):
        ck.quant_sums(np.ones(8), INT8, "row")


def test_tensor_row_of_a_bias_and_of_a_matrix():
    bias = ck.tensor_row("b", np.linspace(-1, 1, 10).astype(np.float32), "float32", INT8)
    assert bias.sqnr_channel is None and bias.sqnr_group is None and bias.channel is None
    assert bias.clipped is None  # nothing lies beyond 6 sigma: no clipped variant
    w = np.random.default_rng(4).standard_normal((16, 256)).astype(np.float32)
    w[3, 5] = 40.0
    row = ck.tensor_row("w", w, "float32", INT8)
    assert row.sqnr_channel > row.sqnr_tensor + 10
    assert row.stats.beyond == pytest.approx(1 / w.size)
    assert row.clip_share is not None and row.clip_share > 0.5
    assert sum(row.hist_counts) == w.size and len(row.hist_counts) == ck.HIST_BINS
    assert row.range_sigmas == pytest.approx(
        (40.0 - w.mean(dtype=np.float64)) / w.std(dtype=np.float64), rel=1e-6)


def test_synthetic_llm_names_shapes_and_statistics():
    entries = ck.synthetic_llm_entries()
    names = [e.name for e in entries]
    assert names[0] == "model.embed_tokens.weight" and names[-1] == "lm_head.weight"
    assert "model.layers.3.mlp.down_proj.weight" in names
    assert sum("layernorm" in n for n in names) == 2 * ck.LLM_LAYERS
    norm = dict((e.name, e) for e in entries)["model.layers.0.input_layernorm.weight"].load()
    assert np.median(norm) == pytest.approx(1.0, abs=0.02)
    q = ck.synthetic_llm_tensor("model.layers.0.self_attn.q_proj.weight", (256, 256))
    np.testing.assert_array_equal(
        q, ck.synthetic_llm_tensor("model.layers.0.self_attn.q_proj.weight", (256, 256)))
    assert not np.array_equal(
        q, ck.synthetic_llm_tensor("model.layers.0.self_attn.q_proj.weight", (256, 256), 1))
    assert q.dtype == np.float32 and abs(float(q.std()) - ck.LLM_STD) < ck.LLM_STD * 3
    cols = np.abs(q).max(axis=0)
    assert cols[list(ck.LLM_OUTLIER_DIMS)].min() > np.median(cols) * 3


def test_synthetic_report_worst_tensors_and_what_per_channel_does():
    rep = ck.report(ck.synthetic_llm_entries(), INT8)
    assert len(rep.rows) == len(ck.synthetic_llm_layout()) and not rep.failed
    worst = rep.worst(3)
    assert worst[0].name == "model.layers.1.mlp.down_proj.weight"  # the three huge weights
    assert [r.sqnr_tensor for r in worst] == sorted(r.sqnr_tensor for r in worst)
    assert all(r.sqnr_tensor <= min(x.sqnr_tensor for x in rep.rows if x not in worst)
               for r in worst)
    assert all(r.sqnr_channel > r.sqnr_tensor + 10 for r in worst)
    tensor, channel, group = rep.totals()
    assert tensor.sqnr_db < channel.sqnr_db < group.sqnr_db
    assert tensor.n_params == len(rep.rows)
    # int8 codes: one byte per parameter, plus 4-byte scales (symmetric: no zero point)
    assert tensor.bytes == rep.n_params + 4 * len(rep.rows)
    assert rep.stored_bytes() == 4 * rep.n_params
    assert worst[0] in rep.below_median()


def test_report_from_a_file_tensor_by_tensor_with_progress_and_a_refused_tensor():
    rng = np.random.default_rng(5)
    tensors = {"a.weight": rng.standard_normal((8, 128)).astype(np.float32),
               "a.bias": rng.standard_normal(8).astype(np.float16),
               "bad": np.array([1.0, np.nan], np.float32)}
    data = save_safetensors(tensors)
    calls = []
    rep = ck.report(ck.file_entries("m.safetensors", data), UINT8,
                    progress=lambda done, total, name: calls.append((done, total, name)))
    order = [i.name for i in loaders.describe_tensors("m.safetensors", data)]  # header order
    assert [r.name for r in rep.rows] == [n for n in order if n != "bad"]
    assert [f.name for f in rep.failed] == ["bad"] and "NaN" in rep.failed[0].reason
    assert calls[-1] == (8 + 1024 + 2, 8 + 1024 + 2, "")
    assert [c[2] for c in calls[:-1]] == order
    row = {r.name: r for r in rep.rows}["a.weight"]
    assert row.sqnr_channel == pytest.approx(
        granularity.compare(tensors["a.weight"], UINT8, 0).per_channel.sqnr_db, abs=1e-9)
    assert {r.name: r.dtype_name for r in rep.rows}["a.bias"] == "float16"
    assert rep.stored_bytes() == 8 * 2 + 1024 * 4


def test_a_refused_file_and_unknown_builtins():
    with pytest.raises(loaders.TensorLoadError):
        ck.file_entries("x.pt", b"\x80\x02")
    with pytest.raises(ValueError, match="no built-in"):
        ck.builtin_entries("nope")
    with pytest.raises(ValueError, match="no tensor"):
        ck.builtin_tensor("synthetic_llm", "nope")
    with pytest.raises(ValueError, match="group_size"):
        ck.report([], INT8, group_size=0)


def test_the_digits_model_is_listed_only_when_its_file_exists(tmp_path, monkeypatch):
    monkeypatch.setattr(ck, "DIGITS_PATH", tmp_path / "digits_model.safetensors")
    assert ck.available_builtins() == ("synthetic_llm",)
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    (tmp_path / "digits_model.safetensors").write_bytes(save_safetensors({"fc.weight": w}))
    assert ck.available_builtins() == ("synthetic_llm", "digits")
    np.testing.assert_array_equal(ck.builtin_tensor("digits", "fc.weight"), w)


def test_edge_tensors_scalar_constant_and_a_range_float32_cannot_hold():
    data = save_safetensors({"scalar": np.array(2.5, np.float32),
                             "const": np.zeros((4, 128), np.float32),
                             "edge": np.array([[3.4e38, -3.4e38], [1.0, 0.0]], np.float32)})
    rep = ck.report(ck.file_entries("e.safetensors", data), UINT8)
    rows = {r.name: r for r in rep.rows}
    assert rows["scalar"].sqnr_tensor == math.inf and rows["scalar"].sqnr_channel is None
    assert rows["const"].sqnr_channel == math.inf and rows["const"].stats.kurtosis == 0
    # (3.4e38 - -3.4e38) overflows float32: the scale is infinite, so the tensor is refused
    assert [f.name for f in rep.failed] == ["edge"] and "cannot be scaled" in rep.failed[0].reason


def test_log_histogram_and_median():
    row = ck.tensor_row("w", np.r_[np.zeros(9), 1.0].astype(np.float32), "float32", UINT8)
    # counts (9, 0, ..., 0, 1): log10(10) = 1, log10(1) = 0, log10(2) = 0.301
    assert row.hist_log[0] == 1.0 and row.hist_log[1] == 0.0 and row.hist_log[-1] == 0.301
    rep = ck.Report((row,), (), UINT8, 128)
    assert rep.median_sqnr() == row.sqnr_tensor
    with pytest.raises(ValueError, match="no rows"):
        ck.Report((), (), UINT8, 128).median_sqnr()


@pytest.mark.parametrize("fmt", ["nf4", "mxfp4", "nvfp4", "fp8_e4m3", "int4_group_fp16", "int8"])
def test_format_sums_equal_the_format_applied_to_the_whole_tensor(fmt, monkeypatch):
    x = np.random.default_rng(6).standard_normal((24, 200)).astype(
        np.float32) * np.geomspace(0.01, 1, 24)[:, None].astype(np.float32)
    x_hat = fake_quantize_format(x, fmt).astype(np.float64)
    sse = float(((x - x_hat) ** 2).sum())
    monkeypatch.setattr(ck, "CHUNK", 700)  # three rows at a time
    s = ck.format_sums(x, fmt)
    assert s.sse == pytest.approx(sse, rel=1e-12)
    assert s.sqnr_db == pytest.approx(sqnr_db(x, x_hat), abs=1e-9)
    assert s.sse_clipped == 0.0


def test_format_sums_count_the_stored_scales():
    x = np.random.default_rng(7).standard_normal((24, 200)).astype(np.float32)
    # 200 = 3 full blocks of 64 and a tail of 8: 4 scales per row, 24 rows -> 96
    assert ck.format_sums(x, "nf4").n_params == 96
    # NVFP4: ceil(200 / 16) = 13 block scales per row, plus the tensor scale
    assert ck.format_sums(x, "nvfp4").n_params == 24 * 13 + 1
    assert ck.format_sums(x, "fp8_e4m3").n_params == 1
    assert ck.format_sums(np.ones(10, np.float32), "mxfp4").n_params == 1  # 1-D: one row
    assert ck.format_sums(np.float32(2.5), "nf4").sqnr_db == math.inf  # the absmax itself
    assert [row_local(f) for f in ("nf4", "mxfp4", "int4_group_e8m0", "nvfp4", "int8")] \
        == [True, True, True, False, False]
    with pytest.raises(ValueError, match="fmt="):
        ck.format_sums(x, "fp3")
    with pytest.raises(ValueError, match="fmt="):
        ck.report([], INT8, fmt="fp3")


def test_totals_give_the_energy_weighted_sqnr_and_the_plain_mean():
    rng = np.random.default_rng(3)
    w = rng.standard_normal((4, 128)).astype(np.float32) * 0.02
    n = 1.0 + 0.05 * rng.standard_normal(128).astype(np.float32)  # a norm weight near 1
    rep = ck.report(ck.file_entries("f.safetensors", save_safetensors({"w": w, "n": n})),
                    UINT8)
    tensor = rep.totals()[0]
    per = {r.name: r.sqnr_tensor for r in rep.rows}
    assert per["w"] == pytest.approx(sqnr_db(w, fake_quantize(w, compute_qparams(
        float(w.min()), float(w.max()), UINT8))), abs=1e-9)
    assert tensor.mean_db == pytest.approx((per["w"] + per["n"]) / 2)
    rows = {r.name: r.tensor for r in rep.rows}
    assert tensor.sqnr_db == pytest.approx(10 * math.log10(
        (rows["w"].x_sumsq + rows["n"].x_sumsq) / (rows["w"].sse + rows["n"].sse)))
    # the norm's energy (~128) dwarfs the matrix's (~0.2): the total sits near the norm's,
    # the plain mean halfway between the two (~50.5 dB against ~57.8 dB)
    assert abs(tensor.sqnr_db - per["n"]) < 0.5 and tensor.sqnr_db - tensor.mean_db > 5


def test_worst_in_format_are_also_measured_in_groups_at_the_formats_bits():
    rng = np.random.default_rng(4)
    tensors = {f"t{i}": (rng.standard_normal((2, 128)) * (i + 1)).astype(np.float32)
               for i in range(5)}
    entries = ck.file_entries("f.safetensors", save_safetensors(tensors))
    rep = ck.report(entries, UINT8, group_size=64, fmt="nf4")
    worst = rep.worst_in_format(ck.WORST)
    assert all(r.fmt_group is not None for r in worst)
    assert sum(r.fmt_group is None for r in rep.rows) == len(rep.rows) - ck.WORST
    four = QuantConfig(4, "asymmetric")  # NF4's 4 bits, not the page's 8
    for r in worst:
        x = tensors[r.name]
        g = x.reshape(2, 2, 64)
        qp = compute_qparams(g.min(axis=2), g.max(axis=2), four)
        assert r.sqnr_fmt_group == pytest.approx(
            sqnr_db(x, fake_quantize(x, qp, None, 64)), abs=1e-9)
        assert r.sqnr_fmt_group < r.sqnr_group - 20  # 4 bits lose ~24 dB against 8


def test_format_totals_count_codes_and_scales_by_hand():
    rng = np.random.default_rng(8)
    data = save_safetensors({"w": rng.standard_normal((3, 100)).astype(np.float32),
                             "b": rng.standard_normal(40).astype(np.float32)})
    rep = ck.report(ck.file_entries("f.safetensors", data), INT8, group_size=4, fmt="mxfp4")
    fmt = rep.totals()[-1]
    # w: 300 codes of 4 bits + 3 rows x 4 blocks (100 = 3 x 32 + 4) of 8-bit E8M0 scales
    # = 1296 bits = 162 bytes; b: 160 bits + 2 blocks x 8 bits = 176 bits = 22 bytes
    assert fmt.name == "format" and fmt.bytes == 162 + 22 and fmt.n_params == 12 + 2
    assert fmt.bits_per_value == pytest.approx(8 * 184 / 340)
    rows = {r.name: r for r in rep.rows}
    signal = sum(r.fmt.x_sumsq for r in rep.rows)
    noise = sum(r.fmt.sse for r in rep.rows)
    assert fmt.sqnr_db == pytest.approx(10 * math.log10(signal / noise))
    w = {e.name: e for e in ck.file_entries("f.safetensors", data)}["w"].load()
    assert rows["w"].sqnr_format == pytest.approx(
        sqnr_db(w, fake_quantize_format(w, "mxfp4")), abs=1e-9)
    assert rep.worst_in_format(2) == tuple(sorted(rep.rows, key=lambda r: r.sqnr_format))
    # without a format: three lines, no worst-in-format, no format SQNR on the rows
    plain = ck.report(ck.file_entries("f.safetensors", data), INT8, group_size=4)
    assert len(plain.totals()) == 3 and plain.worst_in_format() == ()
    assert all(r.sqnr_format is None for r in plain.rows)
    # int8 per tensor: one byte per value and a 4-byte scale per tensor
    assert plain.totals()[0].bits_per_value == pytest.approx(8 * (340 + 8) / 340)


def test_error_ranking_by_weight_error_share():
    rng = np.random.default_rng(0)
    # same shape, one tensor 10x larger: 100x the squared error at the same relative error
    small = rng.normal(size=(4, 128)).astype(np.float32)
    rows = (ck.tensor_row("small", small, "float32", QuantConfig(4, "symmetric", signed=True)),
            ck.tensor_row("big", 10 * small, "float32", QuantConfig(4, "symmetric", signed=True)))
    rep = ck.Report(rows, (), QuantConfig(4, "symmetric", signed=True), 128)
    ranked = rep.error_ranking(2)
    assert [r.name for r, _, _ in ranked] == ["big", "small"]
    # shares: 100 / 101 and 1 / 101 (the same codes, every error scaled by 10)
    assert ranked[0][1] == pytest.approx(100 / 101, rel=1e-4)
    assert sum(share for _, share, _ in ranked) == pytest.approx(1.0)
    assert ranked[0][2] == pytest.approx(ranked[1][2], abs=1e-3)


def test_a_report_over_many_tiny_tensors_reads_the_header_once(monkeypatch):
    # each tensor's decoder comes from one reading of the header: looking each name up again
    # re-read the whole layout per tensor, N^2 work (4,000 tensors 3.7 s, 20,000 over 120 s).
    # Counted, not timed: the header index is built once for the whole report
    import json
    import struct

    from quantviz import loaders

    n = 2_000
    header = {f"w{i}": {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]}
              for i in range(n)}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    data = struct.pack("<Q", len(text)) + text + np.ones(n, "<f4").tobytes()
    calls = []
    index = loaders._index
    monkeypatch.setattr(loaders, "_index", lambda *a, **k: calls.append(1) or index(*a, **k))
    monkeypatch.setattr(loaders, "load_tensor", None)  # the per-name path is not taken
    entries = ck.file_entries("m.safetensors", data)
    rep = ck.report(entries, QuantConfig(8, "asymmetric"), 128)
    assert len(rep.rows) == n
    assert calls == [1]


@pytest.mark.parametrize("shape", [(40, 96), (2, 1000), (3000,)])
def test_sums_in_small_chunks_match_the_whole_tensor(monkeypatch, shape):
    # CHUNK 256: (40, 96) goes 2 rows at a time (exactly the old row steps); (2, 1000) and a
    # 1-D tensor of 3000 have rows longer than a chunk, cut at whole groups (128 -> 256 wide)
    # and whole blocks, so a tensor of ten million values in one row needs a chunk's memory
    x = np.random.default_rng(7).standard_normal(shape).astype(np.float32) * 0.02
    whole = {}
    cfg = QuantConfig(4, "asymmetric")
    kinds = [("tensor", {}), ("group", {"group_size": 8}),
             ("tensor", {"clip_at": (-0.03, 0.03)})] + ([("channel", {})] if x.ndim > 1 else [])
    fmts = ["nf4", "nvfp4", "fp8_e4m3", "int4", "mxfp4"]
    for kind, kw in kinds:
        whole[kind, str(kw)] = ck.quant_sums(x, cfg, kind, **kw)
    for fmt in fmts:
        whole[fmt] = ck.format_sums(x, fmt)
    monkeypatch.setattr(ck, "CHUNK", 256)
    assert len(list(ck._windows(*x.reshape(-1, x.shape[-1]).shape, 8))) > 1
    for kind, kw in kinds:
        got, ref = ck.quant_sums(x, cfg, kind, **kw), whole[kind, str(kw)]
        assert got.n_params == ref.n_params
        assert got.sse == pytest.approx(ref.sse, rel=1e-12)
        assert got.sse_clipped == pytest.approx(ref.sse_clipped, rel=1e-12)
        assert got.x_sumsq == pytest.approx(ref.x_sumsq, rel=1e-12)
    for fmt in fmts:
        got, ref = ck.format_sums(x, fmt), whole[fmt]
        assert (got.sse, got.n_params) == pytest.approx((ref.sse, ref.n_params), rel=1e-12)
        # the same x_hat, chunk by chunk: the error equals the whole tensor's to rounding
        x_hat = fake_quantize_format(x, fmt).astype(np.float64)
        assert got.sse == pytest.approx(float(((x - x_hat) ** 2).sum()), rel=1e-12)


def test_one_value_channels_cost_a_window_not_the_tensor():
    # (N, 1): N channels of one value. Their parameters were computed for all rows at once
    # (several float64 arrays of N: 600 MB at ten million); now a window of rows at a time,
    # the same sums, and the peak within work_bytes (8 bytes a value and one chunk)
    import tracemalloc

    x = np.random.default_rng(9).standard_normal((3_000_000, 1)).astype(np.float32)
    x[::5] *= 40
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        got = ck.quant_sums(x, INT8, "channel")
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak <= ck.work_bytes(x.size), peak
    qp = compute_qparams(x.min(axis=1), x.max(axis=1), INT8)
    x_hat = fake_quantize(x, qp, 0)
    err = x.astype(np.float64) - x_hat
    assert got.n_params == x.shape[0]
    assert got.sse == pytest.approx(float(np.sum(err * err)), rel=1e-12)
    assert got.x_sumsq == pytest.approx(float(np.sum(x.astype(np.float64) ** 2)), rel=1e-12)
