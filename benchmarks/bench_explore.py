"""Cost of a rerun of the Explore page, beside an empty page, and the bytes of its charts.

A rerun with unchanged controls (a student clicks somewhere, a slider snaps back) must not
recompute anything that depends on the tensor: the sample, the calibration and the view come
from the caches, and only the page itself is drawn again. Run:

    python benchmarks/bench_explore.py [repeats]

For 10 thousand and 10 million values it prints, side by side:

- the first run (empty caches: sampling, calibration, quantization, binning);
- the median rerun with the same controls, and the median rerun of an empty page (the cost of
  Streamlit's script runner itself, measured the same way);
- how many times the heavy functions (sample, calibrate, explore_view) ran during the reruns
  (target 0);
- how many figures were built during the reruns (target 0: they are cached per view), and
  the time building the four would cost (what the figure cache saves on every rerun);
- the chart bytes: the sum of the plotly figure JSON the page sends. Target: at most 300 kB,
  and flat (the same at 10 million values as at 10 thousand).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from quantviz import observers, present  # noqa: E402
from quantviz.studies import views  # noqa: E402
from quantviz.ui import cache  # noqa: E402

SIZES = (10_000, 10_000_000)
TARGET_CHART_BYTES = 300_000
FLAT_RATIO = 1.10  # chart bytes at 10 million / at 10 thousand
FIGURES = ("value_histogram", "mapping_staircase", "code_usage", "error_histogram")
#: The smallest app shaped like ours: navigation over one page with one slider.
EMPTY_PAGE = """
import streamlit as st

def page():
    st.write(st.slider("value", 0, 100, 50, key="value"))

st.navigation([st.Page(page, title="empty", url_path="empty", default=True)]).run()
"""


class Counter:
    """Wrap ``owner.name`` so that calls are counted (the heavy functions of a cache miss)."""

    def __init__(self, owner, name: str) -> None:
        self.owner, self.name, self.calls = owner, name, 0
        self.original = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return self.original(*args, **kwargs)

        setattr(owner, name, counted)

    def restore(self) -> None:
        setattr(self.owner, self.name, self.original)


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    return elapsed


def chart_bytes(at: AppTest) -> int:
    return sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))


def figure_build_seconds(n: int, repeats: int) -> float:
    """Median time to build the page's four figures from a cached view (no streamlit)."""
    from quantviz.distributions import sample
    from quantviz.quantize import QuantConfig

    x = sample("normal", n, 0)
    cfg = QuantConfig()
    view = views.explore_for_range(x, float(x.min()), float(x.max()), cfg)
    qp, sc, e = view.qp, view.staircase, view.errors
    theme = present.Theme()  # the page's theme
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        present.value_histogram(view.values, grid=view.grid, x_lo=float(qp.x_lo),
                                x_hi=float(qp.x_hi), theme=theme)
        present.mapping_staircase(sc.x, sc.q, sc.x_hat, x_lo=float(qp.x_lo),
                                  x_hi=float(qp.x_hi), qmin=qp.qmin, qmax=qp.qmax, theme=theme)
        present.code_usage(view.summary.usage, theme=theme)
        present.error_histogram(e.rounding, e.clipped, scale=float(qp.scale),
                                uniform_count=e.uniform_count, theme=theme)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n: int, repeats: int) -> dict:
    cache.clear_all()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["n"] = str(n)
    first = timed_run(at)
    if f"{n:,} values" not in " ".join(c.value for c in at.caption):
        raise RuntimeError(f"the page did not pick up n={n}")
    heavy = [Counter(cache, "sample"), Counter(observers, "calibrate"),
             Counter(views, "explore_view")]
    builds = [Counter(present, name) for name in FIGURES]
    try:
        reruns = [timed_run(at) for _ in range(repeats)]
    finally:
        for c in heavy + builds:
            c.restore()
    return {
        "first": first,
        "rerun": statistics.median(reruns),
        "heavy_calls": sum(c.calls for c in heavy),
        "figure_builds": sum(c.calls for c in builds),
        "figures": figure_build_seconds(n, repeats),
        "chart_bytes": chart_bytes(at),
        "charts": len(at.get("plotly_chart")),
    }


def empty_rerun(repeats: int) -> float:
    at = AppTest.from_string(EMPTY_PAGE, default_timeout=60)
    timed_run(at)
    return statistics.median(timed_run(at) for _ in range(repeats))


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    empty = empty_rerun(repeats)
    rows = {n: measure(n, repeats) for n in SIZES}
    cache.clear_all()

    head = f"{'':34}" + "".join(f"{n:>16,}" for n in SIZES)
    print(f"Explore page, median of {repeats} reruns (AppTest, same process)")
    print(head)

    def line(label: str, fmt, key: str) -> None:
        print(f"{label:34}" + "".join(f"{fmt(rows[n][key]):>16}" for n in SIZES))

    ms = lambda s: f"{1000 * s:.0f} ms"  # noqa: E731
    line("first run (empty caches)", ms, "first")
    line("rerun, same controls", ms, "rerun")
    print(f"{'rerun of an empty page':34}" + f"{ms(empty):>16}" * len(SIZES))
    line("build the 4 figures (cached)", ms, "figures")
    line("heavy calls during reruns", str, "heavy_calls")
    line("figure builds during reruns", str, "figure_builds")
    line("plotly charts on the page", str, "charts")
    line("chart bytes (figure JSON)", lambda b: f"{b / 1000:.1f} kB", "chart_bytes")

    small, large = (rows[n]["chart_bytes"] for n in SIZES)
    flat = large <= FLAT_RATIO * small and small <= FLAT_RATIO * large
    ok = max(small, large) <= TARGET_CHART_BYTES and flat
    ok = ok and all(rows[n]["heavy_calls"] == rows[n]["figure_builds"] == 0 for n in SIZES)
    print(f"target: chart bytes <= {TARGET_CHART_BYTES / 1000:.0f} kB and flat "
          f"(ratio {large / small:.3f}), nothing recomputed on a rerun: "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
