"""Time quantviz.gguf.quantize on a 4096 x 256 float32 tensor, against ggml's C where installed.

    python benchmarks/bench_gguf.py [--rows 4096] [--n 256] [--repeats 3] [--types Q4_K ...]

For each type (Q4_K by default, ``--types all`` for every one), with and without an imatrix:
our best time over the repeats and, when ggml-python is importable, ggml's own
``ggml_quantize_chunk`` on the same tensor in the same run (interleaved, one call of each per
repeat, so a busy machine slows both alike), their ratio, and whether the bytes agree.

Target: Q4_K (no imatrix) on 4096 x 256 within 1 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quantviz import gguf  # noqa: E402

TIME_LIMIT = 1.0


def ggml_runner():
    """``(qtype, x, imatrix) -> bytes`` through ggml-python, or None where it is absent."""
    try:
        import ggml
    except ImportError:
        return None
    spec = importlib.util.spec_from_file_location("make_golden_gguf",
                                                  ROOT / "scripts" / "make_golden_gguf.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return lambda qtype, x, imatrix: mod.ggml_quantize(ggml, qtype, x, imatrix)


def best_time(run, repeats: int) -> tuple[float, np.ndarray]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4096)
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--types", nargs="+", default=["Q4_K"])
    args = parser.parse_args(argv)
    types = sorted(gguf.QTYPES) if args.types == ["all"] else args.types
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((args.rows, args.n)) * 0.02).astype(np.float32)
    imatrix = rng.chisquare(1.0, args.n).astype(np.float32)
    ref = ggml_runner()
    print(f"{args.rows} x {args.n} float32, best of {args.repeats}"
          + ("" if ref else " (ggml-python not installed: no C reference)"))
    failed = False
    for qtype in types:
        for label, im in (("", None), (" +imatrix", imatrix)):
            ours_t = theirs_t = float("inf")
            ours = theirs = None
            for _ in range(args.repeats):
                t, ours = best_time(lambda qtype=qtype, im=im: gguf.quantize(x, qtype,
                                                                             imatrix=im), 1)
                ours_t = min(ours_t, t)
                if ref:
                    t, theirs = best_time(lambda qtype=qtype, im=im: ref(qtype, x, im), 1)
                    theirs_t = min(theirs_t, t)
            line = f"{qtype + label:16s} ours {ours_t:7.3f} s"
            if ref:
                same = np.array_equal(ours, theirs)
                line += (f"   ggml C {theirs_t:7.4f} s   ratio {ours_t / theirs_t:6.1f}x"
                         f"   bytes {'equal' if same else 'DIFFER'}")
                failed |= not same
            print(line)
            if qtype == "Q4_K" and im is None and args.rows * args.n <= 4096 * 256:
                failed |= ours_t > TIME_LIMIT
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
