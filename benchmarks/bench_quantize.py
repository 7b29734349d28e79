"""Time a quantize + dequantize round trip of 10 million float32 values.

    python benchmarks/bench_quantize.py [--n 10000000] [--repeats 9]

Prints the best time of each contender, measured interleaved in the same run (one call of
each per repeat, so a busy machine slows all of them alike), and its ratio to ours:

- ours: ``dequantize(quantize(x, qp), qp)`` (uint8 codes, then float32),
- ``torch.fake_quantize_per_tensor_affine`` with the same parameters, at torch's default
  thread count and at one thread (numpy runs on one), when torch is installed,
- a plain numpy copy of the array: the memory-bandwidth floor.

The target is ours <= torch's fake-quantize. Both results are checked equal bit for bit first.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quantviz.quantize import QuantConfig, compute_qparams, dequantize, quantize  # noqa: E402


def contenders(x: np.ndarray) -> dict[str, Callable[[], object]]:
    cfg = QuantConfig(8, "asymmetric", signed=False)
    qp = compute_qparams(float(x.min()), float(x.max()), cfg)
    out: dict[str, Callable[[], object]] = {
        "ours quantize+dequantize": lambda: dequantize(quantize(x, qp), qp),
        "numpy copy": x.copy,
    }
    try:
        import torch
    except ImportError:
        return out
    tx = torch.from_numpy(x)
    threads = torch.get_num_threads()

    def torch_fq(n_threads: int) -> Callable[[], object]:
        def run():
            torch.set_num_threads(n_threads)
            try:
                return torch.fake_quantize_per_tensor_affine(tx, qp.scale, qp.zero_point,
                                                             qp.qmin, qp.qmax)
            finally:
                torch.set_num_threads(threads)
        return run

    ours = out["ours quantize+dequantize"]()
    theirs = torch_fq(threads)().numpy()
    if not np.array_equal(ours.view(np.uint32), theirs.view(np.uint32)):
        raise SystemExit("ours and torch's fake-quantize differ: fix that before timing")
    out[f"torch fake_quantize ({threads} threads)"] = torch_fq(threads)
    if threads != 1:
        out["torch fake_quantize (1 thread)"] = torch_fq(1)
    return out


def best_times(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="number of float32 values")
    parser.add_argument("--repeats", type=int, default=9, help="interleaved repeats (best kept)")
    args = parser.parse_args(argv)
    x = np.random.default_rng(0).standard_normal(args.n).astype(np.float32)
    runs = contenders(x)
    best = best_times(runs, args.repeats)
    ours = best["ours quantize+dequantize"]
    print(f"{args.n:,} float32 values, best of {args.repeats} interleaved repeats")
    for name, seconds in best.items():
        print(f"  {name:<34} {seconds * 1e3:8.2f} ms   ours / this = {ours / seconds:5.2f}")
    if not any(name.startswith("torch") for name in best):
        print("  (torch not installed: no fake-quantize reference)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
