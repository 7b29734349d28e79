"""Time to build each figure, beside an empty ``go.Figure()``, and the bytes of its JSON.

On a cache miss (a new view, another language, another theme) a page builds its figures
again, and with 40 students on one server every millisecond counts forty times. Most of that
time goes to plotly's object model (validation, template copies), not to our data. Run:

    python benchmarks/bench_figures.py [repeats]

Every builder gets representative data (100 thousand normal values under int8, the pages'
default controls) and the pages' theme. Builders are timed round-robin, one call of each per
round, so that all of them, and the baseline of an empty ``go.Figure()``, see the same machine
load; the median over the rounds is printed with the JSON size of the figure.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import streamlit  # noqa: E402, F401  (as in the app: it sets plotly's default template)

from quantviz import present  # noqa: E402
from quantviz.distributions import activation_stream, sample, weight_matrix  # noqa: E402
from quantviz.quantize import QuantConfig  # noqa: E402
from quantviz.studies import (  # noqa: E402
    comparisons,
    granularity,
    lessons,
    sweeps,
    views,  # noqa: E402
)

N = 100_000
EXPLORE = ("value_histogram", "mapping_staircase", "code_usage", "error_histogram")
THEME = present.Theme()  # the pages' theme


def cases(theme: present.Theme) -> dict[str, Callable[[], go.Figure]]:
    """One call per builder on representative data (computed here, outside the timing)."""
    x = sample("normal", N, 0)
    cfg = QuantConfig()
    v = views.explore_for_range(x, float(x.min()), float(x.max()), cfg)
    qp, sc, e = v.qp, v.staircase, v.errors
    x_lo, x_hi = float(qp.x_lo), float(qp.x_hi)
    d = comparisons.error_density(e, v.n)
    axes = comparisons.shared_axes([v], [d])

    relu = sample("relu", 20_000, 0)
    sweep = sweeps.bit_sweep(relu, "minmax")
    bits = list(sweep.bits)
    curves = {k: sweep.series(k, "sqnr_db") for k in sweep.scores}
    marked = {k: sweep.clipping_dominates(k) for k in sweep.scores}
    anchor = sweeps.reference_anchor(sweep)
    reference = sweeps.reference_line(bits, *anchor) if anchor else None
    curve = sweeps.threshold_curve(relu, QuantConfig(4, "symmetric", True), float(relu.min()),
                                   float(relu.max()))
    stream = sweeps.stream_ranges(activation_stream(n_batches=50, batch_size=4096, seed=0), 0.01)
    ranges = {"MinMax": (float(x.min()), float(x.max())), "Percentile": (-3.5, 3.5),
              "MSE": (-3.0, 3.0)}

    w = weight_matrix(256, 512, 4.0, 0)
    rng = granularity.channel_ranges(w, 0)
    comp = granularity.compare(w, cfg, 0)
    per_channel = {r.kind + str(r.group_size or ""): r.channel_mse for r in comp.all[:3]}
    points = [(r.kind + str(r.group_size or ""), r.cost.bits_per_weight, r.sqnr_db)
              for r in comp.all]
    gm = granularity.group_map(w, 32)
    picture = lessons.mapping_picture(0.0, 6.0, QuantConfig(8, "symmetric", signed=True))
    pad = lessons.padded_convolution(lessons.padding_signal(0.4),
                                     np.array(lessons.KERNELS["box3"]), 4)
    t = dict(theme=theme)
    return {
        "value_histogram": lambda: present.value_histogram(
            v.values, grid=v.grid, x_lo=x_lo, x_hi=x_hi, **t),
        "mapping_staircase": lambda: present.mapping_staircase(
            sc.x, sc.q, sc.x_hat, x_lo=x_lo, x_hi=x_hi, qmin=qp.qmin, qmax=qp.qmax, **t),
        "code_usage": lambda: present.code_usage(v.summary.usage, **t),
        "error_histogram": lambda: present.error_histogram(
            e.rounding, e.clipped, scale=float(qp.scale), uniform_count=e.uniform_count, **t),
        "error_density + share_axes": lambda: present.share_axes(
            present.error_density(d.rounding, d.clipped, scale=float(qp.scale),
                                  uniform=d.uniform, **t),
            x=axes.error, y=(0.0, axes.density[1]), margins=(65, 13, 130)),
        "sweep_lines": lambda: present.sweep_lines(
            bits, curves, marked=marked, reference=reference, highlight=8, **t),
        "calibrator_ranges": lambda: present.calibrator_ranges(v.values, ranges, **t),
        "threshold_tradeoff": lambda: present.threshold_tradeoff(
            curve.thresholds, curve.rounding_mse, curve.clipping_mse, curve.total_mse,
            marks={"MinMax": (6.0, 0.01)}, focus=curve.focus(), **t),
        "stream_ranges": lambda: present.stream_ranges(
            stream.batch_max, {"MinMax": stream.minmax_max, "moving": stream.moving_max}, **t),
        "channel_ranges": lambda: present.channel_ranges(
            np.arange(rng.x_min.size), rng.x_min, rng.x_max,
            tensor_range=(float(rng.x_min.min()), float(rng.x_max.max())), **t),
        "channel_errors": lambda: present.channel_errors(
            np.arange(rng.x_min.size), per_channel, log_y=True, **t),
        "granularity_tradeoff": lambda: present.granularity_tradeoff(
            points, selected=[p[0] for p in points[:3]], **t),
        "group_heatmap": lambda: present.group_heatmap(
            gm.cells, row_step=gm.row_step, col_step=gm.col_step, **t),
        "range_mapping": lambda: present.range_mapping(picture, **t),
        "padding_outputs": lambda: present.padding_outputs(
            pad.reference, {"integer": pad.out_integer, "exact": pad.out_exact},
            {"integer": pad.bias_integer, "exact": pad.bias_exact}, pad.border, **t),
    }


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    builds = {"empty go.Figure() (baseline)": go.Figure, **cases(THEME)}
    sizes = {name: len(build().to_json()) for name, build in builds.items()}  # also warms up
    times: dict[str, list[float]] = {name: [] for name in builds}
    for _ in range(repeats):
        for name, build in builds.items():
            start = time.perf_counter()
            build()
            times[name].append(time.perf_counter() - start)
    ms = {name: 1000 * statistics.median(ts) for name, ts in times.items()}
    base = ms["empty go.Figure() (baseline)"]

    print(f"Figure builds, median of {repeats} rounds (ms per call; JSON of the figure)")
    print(f"{'':32}{'ms':>9}{'x empty':>9}{'JSON kB':>10}")
    for name in builds:
        print(f"{name:32}{ms[name]:9.2f}{ms[name] / base:9.1f}{sizes[name] / 1000:10.1f}")
    explore = sum(ms[n] for n in EXPLORE)
    total = sum(ms[n] for n in builds) - base
    print(f"{'Explore page, 4 figures':32}{explore:9.2f}{explore / base:9.1f}"
          f"{sum(sizes[n] for n in EXPLORE) / 1000:10.1f}")
    print(f"{'all builders':32}{total:9.2f}{total / base:9.1f}"
          f"{(sum(sizes.values()) - sizes['empty go.Figure() (baseline)']) / 1000:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
