"""Time GPTQ on a 4096x4096 layer with 2,048 calibration samples: ours against torch's.

    python benchmarks/bench_ptq.py [--rows 4096] [--cols 4096] [--samples 2048]

One run of each (the layer is large: no repeats), in the same process:

- ours: ``quantviz.ptq.gptq`` (numpy, float32 loop, float64 inverse Hessian),
- the torch transcription of IST-DASLab/gptq ``fasterquant`` used for the goldens
  (``scripts/make_golden_ptq.py``), on the CPU at torch's default thread count, when torch
  is installed. Its time includes ``add_batch`` (the Hessian), as ours does.

Settings: 4 bits, group size 128, asymmetric, act_order, block size 128. Prints both times,
their ratio (target: ours within 3x of torch), the output errors of both and the share of
equal weights.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quantviz import ptq  # noqa: E402


def output_error(W: np.ndarray, X: np.ndarray, w_hat: np.ndarray) -> float:
    return float(((X @ (w_hat - W).T).astype(np.float64) ** 2).sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=4096)
    parser.add_argument("--cols", type=int, default=4096)
    parser.add_argument("--samples", type=int, default=2048)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    W = (rng.standard_normal((args.rows, args.cols)) * 0.02).astype(np.float32)
    X = rng.standard_normal((args.samples, args.cols)).astype(np.float32)
    X[:, :: max(1, args.cols // 16)] *= 20.0          # a few outlier input channels
    kw = dict(bits=4, group_size=128, symmetric=False, act_order=True)

    t0 = time.perf_counter()
    ours = ptq.gptq(W, X, **kw)
    t_ours = time.perf_counter() - t0
    print(f"ours  (numpy): {t_ours:8.2f} s   output error {output_error(W, X, ours):.6g}")
    try:
        import torch
    except ImportError:
        print("torch not installed: no reference timing")
        return
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_golden_ptq import ref_gptq

    t0 = time.perf_counter()
    ref = ref_gptq(W, X, kw["bits"], kw["group_size"], kw["symmetric"], kw["act_order"], 128)
    t_ref = time.perf_counter() - t0
    print(f"torch ({torch.get_num_threads()} thr): {t_ref:8.2f} s   "
          f"output error {output_error(W, X, ref['w_hat']):.6g}")
    print(f"ours / torch: {t_ours / t_ref:.2f}x (target <= 3x); equal weights (rtol 1e-4): "
          f"{np.isclose(ours, ref['w_hat'], rtol=1e-4, atol=0).mean():.4f}")


if __name__ == "__main__":
    main()
