"""Train the Model page's network and write its weights and data under quantviz/data/.

Dev-only: needs scikit-learn (for ``load_digits``, the data set it ships inside its package, no
download) and PyTorch. The app and the tests only read the two committed files with numpy:

- ``quantviz/data/digits_model.safetensors``: an MLP 64-64-32-10 with ReLU, float32,
  tensors ``fc1.weight`` (64, 64), ``fc1.bias`` (64,), ``fc2.weight`` (32, 64), ``fc2.bias``,
  ``fc3.weight`` (10, 32), ``fc3.bias`` (PyTorch's ``nn.Linear`` layout: ``y = x W^T + b``).
- ``quantviz/data/digits_data.npz``: the 8x8 images as uint8 pixel counts 0..16 (the input is
  ``pixels / 16``): ``calib_images`` (320 images from the training split, for calibration),
  ``test_images`` (450) with ``test_labels``, and ``float_test_correct``, how many test images
  the float model gets right when evaluated in numpy float32 exactly as quantviz.studies.model does.

Data: the UCI ML hand-written digits data set (E. Alpaydin and C. Kaynak, 1998; test part of
"Optical Recognition of Handwritten Digits", UCI Machine Learning Repository), as scikit-learn
ships and credits it: 1797 images of 8x8 pixels, each pixel the count of set pixels in a 4x4
block of a 32x32 bitmap (0..16).

Deterministic: one thread, seeded split, seeded initialisation and batch order, deterministic
algorithms. Run from the repository root:

    python scripts/train_digits_model.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import save_file
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "quantviz" / "data"
SEED = 0
TEST_FRACTION = 0.25
CALIB_IMAGES = 320
SIZES = (64, 64, 32, 10)
EPOCHS = 60
BATCH = 32
LR = 3e-3
WEIGHT_DECAY = 1e-4


def split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stratified 75/25 split of the 1797 images (uint8 pixel counts 0..16) and labels."""
    digits = load_digits()
    images = digits.images.reshape(len(digits.images), 64).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    return train_test_split(images, labels, test_size=TEST_FRACTION, random_state=SEED,
                            stratify=labels)


def inputs(images: np.ndarray) -> np.ndarray:
    """The network's input: ``pixels / 16`` in float32 (as quantviz.studies.model.inputs)."""
    return images.astype(np.float32) / np.float32(16)


def numpy_correct(weights: dict[str, np.ndarray], images: np.ndarray, labels: np.ndarray) -> int:
    """Correct answers of the float model in numpy float32, as quantviz.studies.model does."""
    h = inputs(images)
    for i in range(1, len(SIZES)):
        h = h @ weights[f"fc{i}.weight"].T + weights[f"fc{i}.bias"]
        if i < len(SIZES) - 1:
            h = np.maximum(h, np.float32(0))
    return int(np.count_nonzero(np.argmax(h, axis=1) == labels))


def train(x: torch.Tensor, y: torch.Tensor) -> torch.nn.Sequential:
    torch.manual_seed(SEED)
    layers: list[torch.nn.Module] = []
    for i in range(len(SIZES) - 1):
        layers.append(torch.nn.Linear(SIZES[i], SIZES[i + 1]))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(EPOCHS):
        order = torch.randperm(len(x), generator=gen)
        for start in range(0, len(x), BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return model


def main() -> int:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    train_images, test_images, train_labels, test_labels = split()
    model = train(torch.from_numpy(inputs(train_images)),
                  torch.from_numpy(train_labels.astype(np.int64)))
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    weights = {}
    for i, layer in enumerate(linears, start=1):
        weights[f"fc{i}.weight"] = layer.weight.detach().numpy().astype(np.float32).copy()
        weights[f"fc{i}.bias"] = layer.bias.detach().numpy().astype(np.float32).copy()
    correct = numpy_correct(weights, test_images, test_labels)
    with torch.no_grad():
        torch_pred = model(torch.from_numpy(inputs(test_images))).argmax(1).numpy()
    torch_correct = int(np.count_nonzero(torch_pred == test_labels))
    train_correct = numpy_correct(weights, train_images, train_labels)
    calib = train_images[np.random.default_rng(SEED).permutation(len(train_images))]
    OUT.mkdir(parents=True, exist_ok=True)
    # no metadata: the writer orders its keys differently from run to run (a hash map), and
    # the file should come out byte for byte the same; the provenance is in this docstring
    save_file(weights, str(OUT / "digits_model.safetensors"))
    (OUT / "digits_model.safetensors").chmod(0o644)
    np.savez_compressed(OUT / "digits_data.npz", calib_images=calib[:CALIB_IMAGES],
                        test_images=test_images, test_labels=test_labels,
                        float_test_correct=np.int64(correct))
    print(f"train {train_correct}/{len(train_labels)}, test {correct}/{len(test_labels)} "
          f"({100 * correct / len(test_labels):.2f} %) in numpy, {torch_correct} in torch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
