"""Time each calibrator on 100,000 float32 values, beside MinMax and PyTorch's HistogramObserver.

    python benchmarks/bench_calibrators.py [--n 100000] [--repeats 15] [--bits 8]

One call of every contender per repeat, interleaved (a busy machine slows all of them
alike), on the built-in normal tensor under uint8 asymmetric and int8 symmetric; each row
prints the median CPU time of the process (what the call costs, however many other programs
share the cores), the median and best wall time, and the ratios of the CPU medians to MinMax
and to torch's
``HistogramObserver`` (forward + ``calculate_qparams``, its 2048-bin search: the nearest thing
PyTorch has to the MSE and entropy searches) when torch is importable. numpy and torch run on
one thread, as the app's server does. Targets: percentile <= 5 ms, MSE and entropy <= 10 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quantviz import distributions  # noqa: E402
from quantviz.observers import calibrate  # noqa: E402
from quantviz.quantize import QuantConfig  # noqa: E402

METHODS = ("minmax", "percentile", "mse", "entropy")
TARGET_MS = {"percentile": 5.0, "mse": 10.0, "entropy": 10.0}


def contenders(x: np.ndarray, cfg: QuantConfig) -> dict[str, Callable[[], object]]:
    out: dict[str, Callable[[], object]] = {
        m: (lambda m=m: calibrate(m, x, cfg)) for m in METHODS}
    try:
        import torch
        from torch.ao.quantization import HistogramObserver
    except ImportError:
        return out
    torch.set_num_threads(1)
    tx = torch.from_numpy(x)
    dtype = torch.qint8 if cfg.signed else torch.quint8
    qscheme = torch.per_tensor_symmetric if cfg.scheme == "symmetric" \
        else torch.per_tensor_affine

    def torch_histogram():
        obs = HistogramObserver(dtype=dtype, qscheme=qscheme)
        obs(tx)
        return obs.calculate_qparams()

    out["torch HistogramObserver"] = torch_histogram
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--bits", type=int, default=8)
    args = parser.parse_args()
    x = distributions.sample("normal", args.n, 0)
    configs = {f"uint{args.bits} asymmetric": QuantConfig(args.bits, "asymmetric", False),
               f"int{args.bits} symmetric": QuantConfig(args.bits, "symmetric", True)}
    print(f"{args.n:,} normal float32 values, {args.repeats} interleaved repeats, one thread")
    missed = []
    for label, cfg in configs.items():
        runs = contenders(x, cfg)
        for run in runs.values():  # warm up
            run()
        times: dict[str, list[float]] = {k: [] for k in runs}
        cpu: dict[str, list[float]] = {k: [] for k in runs}
        for _ in range(args.repeats):
            for k, run in runs.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                run()
                cpu[k].append(time.process_time() - start_cpu)
                times[k].append(time.perf_counter() - start)
        med = {k: 1e3 * float(np.median(v)) for k, v in cpu.items()}
        torch_ms = med.get("torch HistogramObserver")
        print(f"\n{label}")
        print(f"{'calibrator':<26}{'cpu ms':>8}{'wall ms':>9}{'best':>7}{'x MinMax':>10}"
              f"{'x torch':>9}  target (cpu)")
        for k, v in times.items():
            ratio_t = f"{med[k] / torch_ms:9.2f}" if torch_ms else f"{'-':>9}"
            target = TARGET_MS.get(k)
            verdict = "" if target is None else \
                f"<= {target:g} ms {'met' if med[k] <= target else 'MISSED'}"
            if target is not None and med[k] > target:
                missed.append(f"{label} {k}")
            print(f"{k:<26}{med[k]:8.2f}{1e3 * float(np.median(v)):9.2f}{1e3 * min(v):7.2f}"
                  f"{med[k] / med['minmax']:10.1f}{ratio_t}  {verdict}")
    print("\nall targets met" if not missed else f"\nmissed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
