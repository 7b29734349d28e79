"""Time and memory of the checkpoint report on a generated ~100 MB .safetensors file.

The file has Llama-style tensors (two layers of hidden size 1024 and intermediate size 2816,
float32, ~25.7 million parameters, the largest tensor 11.5 MB), written tensor by tensor so
that building it does not raise the process's high-water mark. The upload arrives as one
``bytes`` object (as Streamlit holds it); the report then decodes one tensor at a time. Run:

    python benchmarks/bench_checkpoint.py [layers] [format]

The report measures the number format too (the page's default, NF4, unless another is named;
"none" leaves it out). NF4, MX and integer groups go through a few rows at a time; NVFP4 and the
per-tensor formats need the whole tensor at once (a few copies of the largest tensor).

Prints the report's wall time and the process's CPU time (a run without tracemalloc), then, in a
second run, the tracemalloc peak during the report plus the file's own bytes, and the growth of the
process's maximum resident set size from before the file was read, each divided by the file size.
Targets: within 10 s, and within 2x the file size.
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

from quantviz.quantize import QuantConfig  # noqa: E402
from quantviz.studies.checkpoint import file_entries, report  # noqa: E402
from quantviz.ui.checkpoint import FORMAT  # noqa: E402

HIDDEN, INTERMEDIATE = 1024, 2816
TARGET_SECONDS = 10.0
TARGET_RATIO = 2.0


def layout(layers: int) -> list[tuple[str, tuple[int, ...]]]:
    h, f = HIDDEN, INTERMEDIATE
    out = []
    for i in range(layers):
        p = f"model.layers.{i}"
        out += [(f"{p}.input_layernorm.weight", (h,))]
        out += [(f"{p}.self_attn.{k}_proj.weight", (h, h)) for k in "qkvo"]
        out += [(f"{p}.post_attention_layernorm.weight", (h,))]
        out += [(f"{p}.mlp.gate_proj.weight", (f, h)), (f"{p}.mlp.up_proj.weight", (f, h)),
                (f"{p}.mlp.down_proj.weight", (h, f))]
    return out


def write(path: Path, layers: int, seed: int = 0) -> None:
    """The tensors of :func:`layout` as F32, normal values (0.02) with a few large columns."""
    header, offset = {}, 0
    for name, shape in layout(layers):
        n = int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset,
                                                                               offset + 4 * n]}
        offset += 4 * n
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    rng = np.random.default_rng(seed)
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for _, shape in layout(layers):
            x = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
            if len(shape) == 2:
                x[:, :3] *= 20
            x.astype("<f4").tofile(f)


def max_rss_bytes() -> int:
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def main(layers: int = 2, fmt: str | None = FORMAT.default) -> bool:
    cfg = QuantConfig(8, "symmetric", signed=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.safetensors"
        write(path, layers)
        rss_before = max_rss_bytes()
        data = path.read_bytes()
    size = len(data)
    seen = []

    start, cpu = time.perf_counter(), time.process_time()
    rep = report(file_entries(path.name, data), cfg,
                 progress=lambda done, total, name: seen.append(done), fmt=fmt)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu

    tracemalloc.start()
    report(file_entries(path.name, data), cfg, fmt=fmt)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = max_rss_bytes() - rss_before

    assert len(rep.rows) == len(layout(layers)) and not rep.failed
    assert seen[-1] == rep.n_params and seen == sorted(seen)
    ratio = (size + peak) / size
    rss_ratio = rss_growth / size
    print(f"file: {size / 2**20:.1f} MiB, {len(rep.rows)} tensors, {rep.n_params:,} parameters; "
          f"format {fmt}")
    print(f"report: {seconds:.2f} s (target {TARGET_SECONDS:g} s), "
          f"{rep.n_params / seconds / 1e6:.1f} M parameters/s, {len(seen)} progress calls; "
          f"CPU time of the process {cpu:.2f} s (wall time grows when the machine is shared)")
    print(f"tracemalloc peak during the report: {peak / 2**20:.1f} MiB; with the file's bytes "
          f"{(size + peak) / 2**20:.1f} MiB = {ratio:.2f}x the file")
    print(f"max RSS growth from before the file was read: {rss_growth / 2**20:.1f} MiB = "
          f"{rss_ratio:.2f}x the file")
    ok = seconds < TARGET_SECONDS and ratio < TARGET_RATIO and rss_ratio < TARGET_RATIO
    print("targets:", "met" if ok else "NOT MET")
    return ok


if __name__ == "__main__":
    fmt_arg = sys.argv[2] if len(sys.argv) > 2 else FORMAT.default
    sys.exit(0 if main(int(sys.argv[1]) if len(sys.argv) > 1 else 2,
                       None if fmt_arg == "none" else fmt_arg) else 1)
