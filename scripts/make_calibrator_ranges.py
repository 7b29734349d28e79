"""Write tests/data/calibrator_ranges.json: the percentile, MSE and entropy ranges of many cases.

Run from the repository root (numpy only):

    python scripts/make_calibrator_ranges.py

It was run once on the calibrators as they were before their candidate searches were
vectorised, so the test that reads the file proves the faster searches choose the very same
ranges. Each range is stored as the exact hex form of its two floats (``float.hex``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quantviz.observers import calibrate  # noqa: E402
from tests.calibrator_cases import cases  # noqa: E402

OUT = ROOT / "tests" / "data" / "calibrator_ranges.json"


def main() -> None:
    start = time.perf_counter()
    ranges = {}
    for case_id, x, method, cfg, params, batches in cases():
        lo, hi = calibrate(method, x, cfg, batches, **params)
        ranges[case_id] = [float(lo).hex(), float(hi).hex()]
    OUT.write_text(json.dumps(ranges, indent=0, sort_keys=True) + "\n")
    print(f"{len(ranges)} ranges in {time.perf_counter() - start:.1f} s -> {OUT.name}")


if __name__ == "__main__":
    main()
