"""Peak extra memory of loading a 100 MB float32 .safetensors upload, as a multiple of its size.

An upload arrives as one ``bytes`` object; loading it should cost about one more copy (the
float32 result), never several. The file is written in chunks so that building it does not
raise the process's high-water mark before the measurement. Run:

    python benchmarks/bench_loader_memory.py [megabytes]

Prints the tracemalloc peak during ``load_tensors`` (numpy reports its buffers to
tracemalloc) and the growth of the process's maximum resident set size, both divided by the
file size. Target: below 3x.
"""

from __future__ import annotations

import json
import resource
import struct
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quantviz.loaders import load_tensors  # noqa: E402

TARGET_RATIO = 3.0
CHUNK = 2**20  # values written per chunk


def write_safetensors_f32(path: Path, n: int, seed: int = 0) -> None:
    """One F32 tensor "w" of ``n`` standard-normal values, written chunk by chunk."""
    header = json.dumps({"w": {"dtype": "F32", "shape": [n], "data_offsets": [0, 4 * n]}})
    header_bytes = header.encode() + b" " * (-len(header) % 8)
    rng = np.random.default_rng(seed)
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)) + header_bytes)
        for start in range(0, n, CHUNK):
            rng.standard_normal(min(CHUNK, n - start), dtype=np.float32).astype("<f4").tofile(f)


def max_rss_bytes() -> int:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def main(megabytes: float = 100.0) -> float:
    n = int(megabytes * 2**20) // 4
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "weights.safetensors"
        write_safetensors_f32(path, n)
        data = path.read_bytes()
    size = len(data)

    rss_before = max_rss_bytes()
    tracemalloc.start()
    start = time.perf_counter()
    tensors = load_tensors("weights.safetensors", data)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = max_rss_bytes() - rss_before

    w = tensors["w"]
    expected = np.frombuffer(data, dtype="<f4", count=8, offset=size - 4 * n)
    assert w.shape == (n,) and w.dtype == np.float32 and np.array_equal(w[:8], expected)

    ratio = peak / size
    print(f"file: {size / 2**20:.1f} MiB, {n:,} float32 values; load took {seconds:.2f} s")
    print(f"tracemalloc peak during load: {peak / 2**20:.1f} MiB = {ratio:.2f}x the file size")
    rss_ratio = rss_growth / size
    print(f"max RSS growth during load:   {rss_growth / 2**20:.1f} MiB = {rss_ratio:.2f}x")
    verdict = "OK" if ratio < TARGET_RATIO else "OVER TARGET"
    print(f"target: below {TARGET_RATIO:.0f}x -> {verdict}")
    return ratio


if __name__ == "__main__":
    ratio = main(float(sys.argv[1]) if len(sys.argv) > 1 else 100.0)
    sys.exit(0 if ratio < TARGET_RATIO else 1)
