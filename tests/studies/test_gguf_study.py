"""The GGUF study: bits per weight counted part by part, the super-block read back from ggml's
bytes, the naive k-quant, the search gain, the Q4_K_M rules and the built-in file."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quantviz import gguf
from quantviz.gguf_file import read_gguf
from quantviz.metrics import sqnr_db
from quantviz.studies import gguf as g
from quantviz.studies.checkpoint import synthetic_llm_tensor

F32 = np.float32


def llm_rows(n_blocks: int = 8, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal((n_blocks, 256)) * 0.02).astype(F32)


def test_bits_per_weight_counts_every_scale_and_min():
    # Q4_K: 2 (d) + 2 (dmin) + 12 (6-bit scales and mins) + 128 (4-bit codes) = 144 bytes
    # per 256 weights: 144 * 8 / 256 = 4.5; codes 4, d and dmin 1/16 each, sub 96/256 = 0.375
    assert g.layout_bits("Q4_K") == {"scale": 0.0625, "min": 0.0625, "sub": 0.375, "codes": 4.0}
    assert gguf.bits_per_weight("Q4_K") == 4.5
    # Q8_0: 34 bytes per 32 = 8.5; Q2_K: 84 per 256 = 2.625; TQ1_0: 54 per 256 = 1.6875
    assert [gguf.bits_per_weight(q) for q in ("Q8_0", "Q2_K", "TQ1_0")] == [8.5, 2.625, 1.6875]
    for qtype in gguf.QTYPES:
        assert sum(b for _, b in g.LAYOUTS[qtype]) == 8 * gguf.QTYPES[qtype].bytes_per_block
        assert sum(g.layout_bits(qtype).values()) == pytest.approx(gguf.bits_per_weight(qtype))


def test_families_cover_every_type_once():
    assert sorted(g.FAMILY_OF) == sorted(gguf.QTYPES)


def test_study_rows_keeps_rows_or_lays_out_by_256():
    x = np.zeros((4, 512), F32)
    assert g.study_rows(x).rows.shape == (4, 512) and not g.study_rows(x).reshaped
    # 1000 values, 1-D: 3 rows of 256 (768), the last 232 left out
    r = g.study_rows(np.arange(1000, dtype=F32))
    assert r.rows.shape == (3, 256) and r.reshaped and r.total == 1000 and r.used == 768
    # rows of 100 are no multiple of 256: laid out flat
    assert g.study_rows(np.ones((10, 100), F32)).rows.shape == (3, 256)
    # the cap: 2048 values at most -> the first 4 rows of 512
    assert g.study_rows(np.ones((10, 512), F32), max_values=2048).rows.shape == (4, 512)
    with pytest.raises(ValueError, match="255 values"):
        g.study_rows(np.ones(255, F32))
    with pytest.raises(ValueError, match="NaN"):
        g.study_rows(np.full(512, np.nan, F32))


def test_type_result_is_sqnr_of_ggml_roundtrip():
    rows = llm_rows()
    r = g.type_result(rows, "Q8_0")
    x_hat = gguf.dequantize(gguf.quantize(rows, "Q8_0"), "Q8_0", rows.shape)
    assert r.sqnr_db == pytest.approx(sqnr_db(rows, x_hat), abs=1e-9)
    assert (r.family, r.bits_per_weight) == ("legacy", 8.5)
    calls = []
    results = g.all_types(rows[:1], progress=lambda i, q: calls.append((i, q)))
    assert [r.qtype for r in results] == list(gguf.QTYPES)
    assert calls[0] == (0, "Q4_0") and len(calls) == len(gguf.QTYPES)


def test_superblock_reads_back_the_bytes():
    rows = llm_rows()
    sb = g.superblock(rows, 3)
    raw = gguf.quantize(rows[3:4], "Q4_K")[0]
    assert sb.packed.tolist() == raw[4:16].tolist()
    assert [g.packed_value(p) for p in sb.bytes_layout] == sb.packed.tolist()
    # x_hat = d * sc_j * code - dmin * m_j, value by value, equals gguf-py's dequantization
    sub = np.arange(256) // 32
    rebuilt = (sb.sub_scales[sub] * sb.codes.astype(F32) - sb.sub_mins[sub]).astype(F32)
    assert np.array_equal(rebuilt, sb.x_hat)
    assert sb.codes.min() >= 0 and sb.codes.max() <= 15
    assert sb.scales.max() <= 63 and sb.mins.max() <= 63
    assert np.float16(sb.d).view(np.uint16) == sb.d_bits
    with pytest.raises(ValueError, match="block 8 does not exist"):
        g.superblock(rows, 8)


def test_k4_packing_by_hand():
    # scale 4 = 0b110101 (53): its bits 5..4 (0b11) top byte 0, its bits 3..0 (0b0101) the low
    # nibble of byte 8; min 4 = 0b100010 (34): bits 5..4 (0b10) top of byte 4, 3..0 (0b0010)
    # the high nibble of byte 8 -> byte 8 = 0b0010_0101 = 0x25; byte 0 = 0b11 << 6 | s0 (7)
    scales, mins = [7, 0, 0, 0, 53, 0, 0, 0], [1, 0, 0, 0, 34, 0, 0, 0]
    layout = g.k4_packing(scales, mins)
    assert g.packed_value(layout[0]) == 0b11_000111
    assert g.packed_value(layout[4]) == 0b10_000001
    assert g.packed_value(layout[8]) == 0x25
    packed = gguf._pack_k4_scales(np.array(scales)[:, None], np.array(mins)[:, None])[:, 0]
    assert [g.packed_value(p) for p in layout] == packed.tolist()


def test_naive_q4_k_by_hand():
    # one super-block: sub-block 0 holds 0..31 / 31 (min 0, max 1), the others are zero.
    # scale_0 = 1/15, min' = 0; d = (1/15)/63 in float16; ls_0 = 63; every other scale 0.
    # x = k/31 -> l = nearest_int(k/31 * 15) (d * 63 = 1/15 up to float16)
    x = np.zeros((1, 256), F32)
    x[0, :32] = np.arange(32) / F32(31)
    x_hat = g.naive_q4_k(x)
    d = float(np.float16(np.float32(1 / 15) / np.float32(63)))
    expected = d * 63 * np.rint(np.arange(32) / 31 * 15 / (d * 63 * 15)).clip(0, 15)
    assert np.allclose(x_hat[0, :32], expected, atol=1e-6)
    assert np.all(x_hat[0, 32:] == 0)


def test_search_buys_db_over_min_max_on_normal_weights():
    rows = llm_rows(64)
    gain = g.search_gain(rows)
    assert gain.gain_db > 0.3  # measured 0.82 dB on the LLM preset
    s = g.sub_block_search(rows, 0, 0)
    assert s.kept_index is not None and s.trace.kept[s.kept_index]
    assert s.gain_db == pytest.approx(10 * math.log10(s.trace.naive_error / s.trace.error))
    assert s.gain_db >= 0
    with pytest.raises(ValueError, match="sub-block 8"):
        g.sub_block_search(rows, 0, 8)


def test_imatrix_lowers_the_error_it_weighs():
    rows = llm_rows(16)
    w = g.synthetic_imatrix(256)
    # w_j = s_j^2 with s_j = exp(0.5 z_j), and channels 0, 64, 128, 192 ten times larger
    z = np.random.default_rng([0, 256]).standard_normal(256)
    ratio = w / np.exp(0.5 * z) ** 2
    assert np.allclose(ratio[::64], 100.0, rtol=1e-5)
    assert np.allclose(np.delete(ratio, np.arange(0, 256, 64)), 1.0, rtol=1e-5)
    b = g.imatrix_block(rows, 2, w)
    err = b.errors()
    assert err["imatrix"][1] < err["plain"][1]
    t = g.imatrix_tensor(rows, w)
    assert t.imatrix_weighted_db > t.plain_weighted_db
    with pytest.raises(ValueError, match="imatrix has 10"):
        g.imatrix_block(rows, 0, np.ones(10))


def test_use_more_bits_and_q4_k_m_rules():
    # n = 32 layers: n/8 = 4, 7n/8 = 28; more bits at 0..3, 28..31 and (i - 4) % 3 == 2: 6, 9..
    more = [i for i in range(32) if g.use_more_bits(i, 32)]
    assert more == [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]
    # n = 4: n/8 = 0, 7n/8 = 3: layer 2 ((2 - 0) % 3 == 2) and layer 3
    assert [i for i in range(4) if g.use_more_bits(i, 4)] == [2, 3]
    assert g.q4_k_m_type("blk.2.attn_v.weight", 2, 4).qtype == "Q6_K"
    assert g.q4_k_m_type("blk.0.attn_v.weight", 2, 4).qtype == "Q4_K"
    assert g.q4_k_m_type("blk.3.ffn_down.weight", 2, 4).qtype == "Q6_K"
    assert g.q4_k_m_type("output.weight", 2, 4) == g.TypeRule("output.weight", "Q6_K", "output")
    assert g.q4_k_m_type("blk.0.ffn_norm.weight", 1, 4).qtype == "F32"
    assert g.q4_k_m_type("token_embd.weight", 2, 4).qtype == "Q4_K"
    assert g.hf_to_gguf_name("model.layers.3.mlp.down_proj.weight") == "blk.3.ffn_down.weight"
    with pytest.raises(ValueError, match="no GGUF name"):
        g.hf_to_gguf_name("model.layers.0.mystery.weight")


def test_builtin_gguf_is_q4_k_m_of_the_synthetic_llm():
    f = read_gguf(g.builtin_gguf())
    types = {t.name: t.type for t in f.tensors}
    assert types["output.weight"] == "Q6_K" and types["blk.2.ffn_down.weight"] == "Q6_K"
    assert types["blk.1.attn_q.weight"] == "Q4_K" and types["output_norm.weight"] == "F32"
    assert f.metadata["general.file_type"] == g.FTYPE_Q4_K_M
    x = synthetic_llm_tensor("model.layers.0.self_attn.q_proj.weight", (256, 256))
    stored = f.tensor("blk.0.attn_q.weight")
    assert np.array_equal(stored, gguf.dequantize(gguf.quantize(x, "Q4_K"), "Q4_K", x.shape))
    errors = {e.name: e for e in g.file_errors(f, g.builtin_originals(), 1 << 22)}
    assert errors["output_norm.weight"].sqnr_db == math.inf
    assert errors["blk.0.attn_q.weight"].sqnr_db == pytest.approx(sqnr_db(x, stored))
    assert errors["output.weight"].sqnr_db > errors["token_embd.weight"].sqnr_db + 8  # Q6_K
    small = g.file_errors(f, {"output.weight": lambda: np.zeros(3, F32)}, 1000)
    assert {e.note for e in small} == {"missing", "size"}
    assert 4.5 < g.file_bits(f) < 5.5


def test_file_errors_stops_comparing_after_max_compared_and_matches_hf_names_once():
    from quantviz.gguf_file import write_gguf
    raw = np.zeros(18, np.uint8)  # one Q4_0 block of 32 zeros
    names = ["blk.0.attn_q.weight", "x", "y", "z"]
    f = read_gguf(write_gguf({n: ("Q4_0", raw, (1, 32)) for n in names}))
    zeros = lambda: np.zeros(32, F32)  # noqa: E731
    originals = {"model.layers.0.self_attn.q_proj.weight": zeros, "x": zeros, "z": zeros,
                 "model.layers.": zeros}  # a name without a GGUF name is passed over
    errors = g.file_errors(f, originals, 1000, max_compared=2)
    # the Hugging Face name matches blk.0 (compared, 1), x (compared, 2), y has no original,
    # z would be the third comparison: over max_compared = 2
    assert [e.note for e in errors] == [None, None, "missing", "count"]
    assert errors[0].sqnr_db == math.inf  # zeros round trip exactly
    assert [e.note for e in g.file_errors(f, originals, 1000)] == [None, None, "missing", None]
