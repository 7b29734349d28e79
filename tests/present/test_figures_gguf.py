"""What each GGUF figure shows (quantviz.present, the GGUF section)."""

from __future__ import annotations

import numpy as np

from quantviz import present
from quantviz.studies import gguf as g

F32 = np.float32


def test_frontier_draws_one_trace_per_family_beside_the_formats():
    types = [("Q4_0", "legacy", 4.5, 21.3), ("Q8_0", "legacy", 8.5, 45.4),
             ("Q4_K", "k", 4.5, 22.9), ("IQ4_XS", "i", 4.25, 22.3),
             ("TQ1_0", "ternary", 1.6875, 1.9), ("Q2_K", "k", 2.625, float("inf"))]
    fig = present.gguf_frontier(types, formats=[("MXFP4", 4.25, 20.0)],
                                families={"legacy": "legacy", "k": "k-quants"})
    names = [tr.name for tr in fig.data]
    assert names == ["number formats", "legacy", "k-quants", "i", "ternary"]
    fmt, legacy, k = fig.data[:3]
    assert fmt.marker.color == present.GREY and list(fmt.text) == ["MXFP4"]
    assert list(legacy.text) == ["Q4_0", "Q8_0"] and list(legacy.x) == [4.5, 8.5]
    assert list(k.text) == ["Q4_K"]  # Q2_K's infinite SQNR is left out
    assert fig.data[3].marker.symbol == "diamond" and fig.data[4].marker.symbol == "triangle-up"
    assert fig.layout.xaxis.range[0] < 1.6875 and fig.layout.xaxis.range[1] > 8.5


def test_superblock_figure_shades_every_other_sub_block():
    rows = (np.random.default_rng(0).standard_normal((1, 256)) * 0.02).astype(F32)
    sb = g.superblock(rows, 0)
    fig = present.superblock_figure(sb.x, sb.x_hat, labels={"sub": "sub-block {j}"})
    x_hat, x = fig.data
    assert np.array_equal(np.asarray(x.y, F32), sb.x)
    assert np.array_equal(np.asarray(x_hat.y), sb.x_hat)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [(r.x0, r.x1) for r in rects] == [(-0.5, 31.5), (63.5, 95.5), (127.5, 159.5),
                                             (191.5, 223.5)]
    assert len(lines) == 7
    assert [a.text for a in fig.layout.annotations] == [f"sub-block {j}" for j in range(8)]


def test_search_curve_marks_the_kept_candidate_and_the_naive_start():
    rows = (np.random.default_rng(1).standard_normal((1, 256)) * 0.02).astype(F32)
    s = g.sub_block_search(rows, 0, 2)
    tr = s.trace
    naive_iscale = tr.nmax / (tr.x.max() - min(tr.x.min(), 0))
    fig = present.search_curve(tr.iscales, tr.candidate_errors, solvable=tr.solvable,
                               kept=tr.kept, naive_iscale=naive_iscale,
                               naive_error=tr.naive_error)
    tried, better, kept, naive = fig.data
    assert len(tried.x) == int(tr.solvable.sum())
    assert len(better.x) == int((tr.kept & tr.solvable).sum())
    assert kept.marker.symbol == "star"
    assert kept.x[0] == tr.iscales[s.kept_index] and kept.y[0] == tr.candidate_errors[s.kept_index]
    assert kept.y[0] < naive.y[0] == tr.naive_error
    assert fig.layout.shapes[0].y0 == tr.naive_error  # the naive level
    assert min(tried.y) == kept.y[0]  # the kept one is the smallest error tried
