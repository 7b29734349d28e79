"""Time fake_quantize_format on 10 million float32 values in every format.

    python benchmarks/bench_formats.py [--n 10000000] [--repeats 5] [--rows 625]

Beside it, in the same run and interleaved (one call of each per repeat, so a busy machine
slows all alike), ml_dtypes' own round trip ``x.astype(float8_e4m3fn).astype(float32)`` of the
same array: the cost of the cast alone. For each format the best time, its ratio to that round
trip, and the peak extra memory of one call (``tracemalloc``: numpy reports its allocations
there) as a multiple of the input's bytes.

Targets: every format within 4x the round trip, extra memory within 3x the input.
The tensor is 2-D by default (625 rows of 16000: whole blocks of 16, 32, 64 and 128; a last
axis that is not a multiple of the block costs a zero-padded copy, one more input of memory).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import ml_dtypes
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quantviz.formats import FORMATS, fake_quantize_format  # noqa: E402

TIME_LIMIT = 4.0
MEMORY_LIMIT = 3.0
BASELINE = "ml_dtypes e4m3 round trip"


def peak_extra(run) -> int:
    """Peak bytes allocated during ``run()`` beyond what was allocated before it."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    out = run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del out
    return peak - base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="number of float32 values")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repeats (best kept)")
    parser.add_argument("--rows", type=int, default=625, help="rows of the 2-D tensor")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(args.n) * 0.02).astype(np.float32).reshape(args.rows, -1)
    runs = {BASELINE: lambda: x.astype(ml_dtypes.float8_e4m3fn).astype(np.float32)}
    runs.update({fmt: (lambda fmt=fmt: fake_quantize_format(x, fmt)) for fmt in FORMATS})
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    memory = {name: peak_extra(run) / x.nbytes for name, run in runs.items()}
    base = best[BASELINE]
    print(f"{x.size:,} float32 values, shape {x.shape}, best of {args.repeats} interleaved")
    print(f"{'format':<26} {'ms':>8} {'x round trip':>13} {'extra memory':>13}")
    failed = []
    for name in runs:
        ratio = best[name] / base
        print(f"{name:<26} {1e3 * best[name]:8.1f} {ratio:13.2f} {memory[name]:12.2f}x")
        if name != BASELINE and (ratio > TIME_LIMIT or memory[name] > MEMORY_LIMIT):
            failed.append(name)
    if failed:
        print(f"over {TIME_LIMIT:g}x the round trip or {MEMORY_LIMIT:g}x the input: "
              f"{', '.join(failed)}")
        return 1
    print(f"every format within {TIME_LIMIT:g}x the round trip and {MEMORY_LIMIT:g}x the input")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
