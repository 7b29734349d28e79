"""Server time of the Model page beside the Explore page's, in one process, interleaved.

Targets (issue 12): the Model page's first run within 3 s and a changed control within 300 ms
of server time on a two-core machine. On a shared machine absolute times swing with the load,
so every Model measurement is taken right after the same Explore measurement and the ratios
are printed too. Run:

    python benchmarks/bench_model.py [repeats]

It prints, median over ``repeats`` rounds:

1. the study behind each cache, called directly with cold caches (no Streamlit): what a first
   run computes, by part, and the figure builders;
2. through Streamlit's AppTest (the script runner a server uses): the first run with empty
   caches (Model vs Explore), a rerun with unchanged controls, and a rerun after each control
   changes to a value not seen before (Model's bits, mode, weight scheme, per channel,
   activation scheme, calibration batches, observer; Explore's bits), each beside Explore's
   bits change. Streamlit's fixed cost is in both columns, so the ratio is the page's own.
   Beside the Model page's wall time: its CPU time (the process's, steadier than wall time on
   a shared machine) and how many entropy and MSE observer updates the change ran (each
   activation point's range is computed once per observer, grid and batches).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # as the app itself (quantviz.ui)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from quantviz import observers, present  # noqa: E402
from quantviz.studies import model  # noqa: E402
from quantviz.ui import cache  # noqa: E402
from quantviz.ui import model as model_ui  # noqa: E402

FIRST_TARGET_S = 3.0
CHANGE_TARGET_S = 0.3


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def study_parts() -> dict[str, float]:
    """Each part of a first run, called directly (cold: nothing cached)."""
    net, data = model.load_study()
    s, bits, batches = model.ADVICE, 4, 4
    ranges = model.activation_ranges(net, data.calib_x, s, bits, batches)
    sweep = model.bit_sweep(net, data, s, batches)
    layers = model.layer_sensitivity(net, data, s, bits, batches, ranges)
    pred = model.predictions(net, data, s, bits, "both", batches, ranges=ranges)
    wrong = model.mistakes(pred, model.float_predictions(net, data), data.test_labels)
    parts = {
        "load network and data": lambda: model.load_study(),
        "calibrate (moving average)": lambda: model.activation_ranges(
            net, data.calib_x, s, bits, batches),
        "current setting": lambda: model.predictions(net, data, s, bits, "both", batches),
        "bit sweep (10 widths x 3)": lambda: model.bit_sweep(net, data, s, batches),
        "layer sensitivity": lambda: model.layer_sensitivity(net, data, s, bits, batches),
        "integer path + AVX2": lambda: model.integer_check(net, data, s, bits, batches),
        "scheme table (8 x 2 x 3)": lambda: model.scheme_table(
            net, data, s.observer, s.params, batches, model_ui.TABLE_BITS),
        "calibrators (5 x 2 widths)": lambda: [model.compare_calibrators(net, data, s, b, batches)
                                               for b in model_ui.TABLE_BITS],
        "advice test (5 x 2)": lambda: model.advice_test(net, data, batches),
        "figures (4)": lambda: (
            present.sweep_lines(sweep.bits, {m: sweep.series(m, "accuracy") for m in
                                             model.MODES}, reference=[96.9] * 10, highlight=4),
            present.sweep_lines(sweep.bits, {m: sweep.series(m, "agreement") for m in
                                             model.MODES}, reference=[100.0] * 10, highlight=4),
            present.layer_bars([x.name for x in layers],
                               {m: [getattr(x, m).accuracy for x in layers] for m in model.MODES},
                               reference=96.9),
            present.digit_grid([data.test_images[i] for i in wrong.index],
                               [str(i) for i in wrong.index])),
    }
    return {name: timed(fn) for name, fn in parts.items()}


#: Entropy and MSE observer updates so far (counted by :func:`count_searches`).
SEARCHES = {"entropy": 0, "mse": 0}
#: CPU seconds of the last :func:`run`.
LAST_CPU = [0.0]


def count_searches() -> None:
    """Count every entropy and MSE observer update (the searches a calibration runs)."""
    for name, cls in (("entropy", observers.EntropyObserver), ("mse", observers.MSEObserver)):
        def counted(self, x, _original=cls._observe, _name=name):
            SEARCHES[_name] += 1
            return _original(self, x)

        cls._observe = counted


def run(at: AppTest) -> float:
    cpu = time.process_time()
    elapsed = timed(at.run)
    LAST_CPU[0] = time.process_time() - cpu
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    return elapsed


def first_runs() -> tuple[float, float, AppTest, AppTest]:
    """First runs with every cache empty: Explore, then Model."""
    cache.clear_all()
    explore = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    t_explore = run(explore)
    cache.clear_all()
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    page.switch_page("pages/model.py")
    t_model = run(page)
    return t_explore, t_model, explore, page


#: Control changes on the Model page, each to a value the caches have not seen in this round.
CHANGES = (
    ("bits 4 -> 5", lambda at: at.slider(key="mbits").set_value(5)),
    ("mode -> weights only", lambda at: at.button_group(key="mmode").set_value("weights")),
    ("weights -> asymmetric", lambda at: at.button_group(key="wscheme").set_value("asymmetric")),
    ("per channel on", lambda at: at.toggle(key="perch").set_value(True)),
    ("calibration batches 4 -> 6", lambda at: at.slider(key="ncal").set_value(6)),
    ("observer -> MinMax", lambda at: at.selectbox(key="acalib").set_value("minmax")),
    ("activations -> symmetric", lambda at: at.button_group(key="ascheme").set_value("symmetric")),
    ("observer -> Entropy (KL)", lambda at: at.selectbox(key="acalib").set_value("entropy")),
)
EXPLORE_BITS = (7, 6, 5, 4, 3, 2, 9, 10, 11)


def round_trip(repeats_done: int) -> dict[str, float]:
    t_explore, t_model, explore, page = first_runs()
    out = {"first: Explore": t_explore, "first: Model": t_model,
           "rerun: Explore": run(explore), "rerun: Model": run(page)}
    for k, (name, change) in enumerate(CHANGES):
        explore.slider(key="bits").set_value(EXPLORE_BITS[k % len(EXPLORE_BITS)])
        out[f"Explore bits, beside: {name}"] = run(explore)
        change(page)
        before = dict(SEARCHES)
        out[f"change: {name}"] = run(page)
        out[f"cpu: {name}"] = LAST_CPU[0]
        out[f"entropy: {name}"] = SEARCHES["entropy"] - before["entropy"]
        out[f"mse: {name}"] = SEARCHES["mse"] - before["mse"]
    return out


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    parts = [study_parts() for _ in range(repeats)]
    print(f"Model page, median of {repeats} rounds, one process, OPENBLAS_NUM_THREADS=1; load "
          f"average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("\n1. the study behind each cache, called directly (cold)")
    for name in parts[0]:
        print(f"   {name:34} {1000 * statistics.median(p[name] for p in parts):8.0f} ms")
    total = sum(statistics.median(p[name] for p in parts) for name in parts[0])
    print(f"   {'sum':34} {1000 * total:8.0f} ms")

    count_searches()
    rounds = [round_trip(r) for r in range(repeats)]
    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    print("\n2. server time through AppTest (Streamlit's script runner), median")
    print(f"   {'':34} {'Model':>9} {'Explore':>9} {'ratio':>7} {'CPU':>9} {'searches':>14}")
    rows = [("first run, empty caches", med["first: Model"], med["first: Explore"], ""),
            ("rerun, same controls", med["rerun: Model"], med["rerun: Explore"], "")]
    rows += [(f"change: {name}", med[f"change: {name}"], med[f"Explore bits, beside: {name}"],
              f"{1000 * med[f'cpu: {name}']:7.0f}ms {med[f'entropy: {name}']:4.0f} KL "
              f"{med[f'mse: {name}']:3.0f} MSE") for name, _ in CHANGES]
    for label, m, e, extra in rows:
        print(f"   {label:34} {1000 * m:7.0f}ms {1000 * e:7.0f}ms {m / e:7.2f} {extra}")
    first_ok = med["first: Model"] <= FIRST_TARGET_S
    slow = [name for name, _ in CHANGES if med[f"change: {name}"] > CHANGE_TARGET_S]
    print(f"\ntarget first run <= {FIRST_TARGET_S:g} s: {'met' if first_ok else 'MISSED'}; "
          f"changed control <= {1000 * CHANGE_TARGET_S:.0f} ms: "
          f"{'met' if not slow else 'missed for ' + ', '.join(slow)}")
    return 0 if first_ok and not slow else 1


if __name__ == "__main__":
    sys.exit(main())
