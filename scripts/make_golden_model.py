"""Write tests/data/golden_model.npz: the digits network converted by PyTorch, run on x86.

Needs PyTorch (``pip install torch``); the tests read the committed file with numpy only.
Run from the repository root:

    python scripts/make_golden_model.py
    FBGEMM_ENABLE_INSTRUCTIONS=AVX2 python scripts/make_golden_model.py --avx2

For four weight schemes (symmetric / asymmetric, per tensor / per channel; activations
asymmetric with the moving-average observer on 4 calibration batches, 8 bits), the parameters
come from quantviz.studies.model; PyTorch's own quantized modules then compute the network on
the x86 engine: ``torch.quantize_per_tensor`` for the input,
``torch.ao.nn.intrinsic.quantized.LinearReLU`` for fc1 and fc2, ``torch.ao.nn.quantized.Linear``
for fc3. Keys, for case ``c``:

- ``c/act_scale`` (4,) float32, ``c/act_zero_point`` (4,) int64: the four activation points,
- ``c/w{i}_scale``, ``c/w{i}_zero_point``: layer i's weight parameters (1 or 32/64/10 entries),
- ``c/codes{p}`` uint8: the codes at point p for the first ``IMAGES`` test images,

with ``--avx2`` (FBGEMM limited to AVX2, no VNNI: pair sums saturate in int16) the codes go to
``c/avx2_codes{p}`` and are added to the existing file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quantviz.studies import model  # noqa: E402

OUT = ROOT / "tests" / "data" / "golden_model.npz"
IMAGES = 150
BITS = 8
BATCHES = 4
CASES = {
    "sym_tensor": model.Scheme("symmetric", False),
    "sym_channel": model.Scheme("symmetric", True),
    "asym_tensor": model.Scheme("asymmetric", False),
    "asym_channel": model.Scheme("asymmetric", True),
}


def torch_codes(net: model.Network, qnet: model.QuantizedNetwork, x: np.ndarray) -> list:
    qp0 = qnet.act_qparams[0]
    h = torch.quantize_per_tensor(torch.from_numpy(x.copy()), qp0.scale, qp0.zero_point,
                                  torch.quint8)
    out = [h.int_repr().numpy()]
    for i, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        wqp = qnet.weight_qparams[i]
        wt = torch.from_numpy(w.copy())
        if wqp.per_tensor:
            wq = torch.quantize_per_tensor(wt, wqp.scale, wqp.zero_point, torch.qint8)
        else:
            wq = torch.quantize_per_channel(
                wt, torch.from_numpy(np.asarray(wqp.scale, np.float64)),
                torch.from_numpy(np.asarray(wqp.zero_point, np.int64)), 0, torch.qint8)
        last = i == len(net.weights) - 1
        cls = torch.ao.nn.quantized.Linear if last else torch.ao.nn.intrinsic.quantized.LinearReLU
        mod = cls(w.shape[1], w.shape[0])
        mod.set_weight_bias(wq, torch.from_numpy(b.copy()))
        yqp = qnet.act_qparams[i + 1]
        mod.scale, mod.zero_point = float(yqp.scale), int(yqp.zero_point)
        h = mod(h)
        out.append(h.int_repr().numpy())
    return out


def main() -> int:
    avx2 = "--avx2" in sys.argv
    torch.backends.quantized.engine = "x86"
    net, data = model.load_study()
    x = data.test_x[:IMAGES]
    found = dict(np.load(OUT, allow_pickle=False)) if avx2 else {}
    for name, scheme in CASES.items():
        ranges = model.activation_ranges(net, data.calib_x, scheme, BITS, BATCHES)
        qnet = model.quantize_network(net, scheme, BITS, ranges, model.plan("both"))
        codes = torch_codes(net, qnet, x)
        prefix = "avx2_codes" if avx2 else "codes"
        for p, c in enumerate(codes):
            found[f"{name}/{prefix}{p}"] = c.astype(np.uint8)
        if avx2:
            continue
        found[f"{name}/act_scale"] = np.array([q.scale for q in qnet.act_qparams], np.float32)
        found[f"{name}/act_zero_point"] = np.array([q.zero_point for q in qnet.act_qparams])
        for i, wqp in enumerate(qnet.weight_qparams):
            found[f"{name}/w{i}_scale"] = np.atleast_1d(np.asarray(wqp.scale, np.float32))
            found[f"{name}/w{i}_zero_point"] = np.atleast_1d(np.asarray(wqp.zero_point,
                                                                        np.int64))
    found["meta"] = np.array(json.dumps({"torch": torch.__version__, "engine": "x86",
                                         "bits": BITS, "batches": BATCHES, "images": IMAGES,
                                         "cases": list(CASES), "avx2": avx2 or "avx2_codes"
                                         in " ".join(found)}))
    np.savez_compressed(OUT, **found)
    print(f"wrote {OUT.name}: {len(found)} arrays, {OUT.stat().st_size / 1000:.1f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
