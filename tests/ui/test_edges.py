"""Every page, every edge: no exception and no traceback, whatever the upload or the link.

The pages are found in pages/*.py, and their controls in their ui modules, so a page added
later joins the matrix without an edit here. Each page gets the edge tensors uploaded one
after another in one session (values at float32's edges, a single float32 step, denormals,
float64 beyond float32) and a few hand-edited links (every number control at its extremes,
every value unreadable, a normal distribution a hundred-thousandth wide). A page may refuse an
input, with a sentence; it may not raise, and it may not fall into the app's last-resort
"could not be drawn" message, which would mean an error nothing checked.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

from quantviz.ui import controls as shared_controls
from quantviz.ui.i18n import TABLE, plain
from quantviz.ui.state import Control
from tests.helpers import npy, rendered

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))

F32 = np.float32
EDGE_TENSORS = {
    # one float32 step: numpy's "Too many bins for data range" on 120 equal bins
    "one_step": np.array([1.0, np.nextafter(F32(1), F32(2))], dtype=F32),
    # finite in float32, but the asymmetric span 6e38 is not: refused with a sentence
    "float32_edges": np.array([-3e38, 0.0, 3e38], dtype=F32),
    # float32's largest, twice: one value, so the histogram's range is built around it
    "float32_max": np.full(2, np.finfo(F32).max, dtype=F32),
    # denormals: the entropy calibrator's 2048 bins over [0, 1e-42]
    "denormals": np.array([1e-45, 1e-44, 1e-43, 1e-42], dtype=F32),
    # float64 beyond float32: every page computes in float32
    "float64_huge": np.array([-1e300, 0.0, 1e300]),
}
#: What a page may say about an edge input (from the core's refusals), in English.
ALLOWED_REFUSALS = ("cannot be scaled", "beyond float32", "beyond float32's range",
                    "has no integer code", "overflows", "cannot go through the GGUF types")
LAST_RESORT = TABLE["error.internal"][0]


def page_controls(page: str) -> list[Control]:
    """The URL-bound controls the page's ui module and the shared controls module declare."""
    module = importlib.import_module(f"quantviz.ui.{page}")
    found = [v for m in (module, shared_controls) for v in vars(m).values()
             if isinstance(v, Control)]
    return list({c.key: c for c in found}.values())


def _link(page: str, kind: str) -> dict[str, str]:
    query: dict[str, str] = {}
    for c in page_controls(page):
        numeric = c.kind in ("int", "float", "number")
        if kind == "garbage":
            query[c.key] = "nan" if numeric else "\u202e<b>x</b>"
        elif kind == "high" and c.kind in ("float", "number"):
            query[c.key] = repr(c.hi) if c.hi is not None else "3e38"
        elif kind == "low" and numeric:
            query[c.key] = repr(c.lo) if c.lo is not None else "-3e38"
    if kind == "narrow":  # a shared link that crashed Explore, Compare and Calibration
        query = {"src": "dist", "dist": "normal", "normal.mean": "10", "normal.std": "0.00001"}
    return query


def _check(at) -> None:
    assert not at.exception, [e.message for e in at.exception]
    shown = [e.value for e in at.error]
    assert LAST_RESORT not in shown, shown
    for text in map(rendered, shown):
        assert any(a in text for a in ALLOWED_REFUSALS) or "cannot be used" in text, text


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", ["narrow", "high", "low", "garbage"])
def test_no_page_raises_on_an_edge_link(app_test, page, kind):
    at = app_test(page=page, query=_link(page, kind))
    at.run()
    _check(at)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_raises_on_an_edge_upload(app_test, page):
    upload_sources = {c.key: "upload" for c in page_controls(page) if "upload" in c.options}
    at = app_test(page=page, query=upload_sources)
    at.run()
    _check(at)
    uploaders = at.get("file_uploader")
    if not uploaders:
        pytest.skip(f"the {page} page takes no upload")
    # a page whose uploader takes no .npy (PTQ reads a layer: W and X in one .npz) gets the
    # tensor in a file it accepts
    takes_npy = ".npy" in uploaders[0].proto.type or not uploaders[0].proto.type
    for name, x in EDGE_TENSORS.items():
        data = npy(x) if takes_npy else _npz(W=x, X=x)
        at.get("file_uploader")[0].set_value(
            (f"{name}.{'npy' if takes_npy else 'npz'}", data, "application/octet-stream"))
        at.run()
        _check(at)


def _npz(**arrays: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_the_edge_tensors_reach_the_pages_that_take_uploads(app_test):
    """The matrix is not vacuous: an edge upload on Explore is refused with the core's sentence."""
    at = app_test(page="explore", query={"src": "upload"})
    at.run()
    at.get("file_uploader")[0].set_value(
        ("e.npy", npy(EDGE_TENSORS["float32_edges"]), "application/octet-stream"))
    at.run()
    assert any("cannot be scaled" in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("end", ["max", "min"])
def test_no_page_raises_on_number_inputs_typed_at_their_extremes(app_test, page, end):
    at = app_test(page=page)
    at.run()
    inputs = at.number_input
    if not inputs:
        pytest.skip(f"the {page} page has no number input")
    for box in inputs:
        limit = box.max if end == "max" else box.min
        box.set_value(limit if limit is not None else (3e38 if end == "max" else -3e38))
    at.run()
    _check(at)


# --- names from a file are plain text, never Markdown ----------------------------------------

HOSTILE_NAME = ("![px](http://127.0.0.1:9/pixel.png) [click](http://example.invalid) "
                ":red-background[Notice]")


def _safetensors(names: list[str]) -> bytes:
    import json
    import struct

    header = {n: {"dtype": "F32", "shape": [2], "data_offsets": [8 * i, 8 * i + 8]}
              for i, n in enumerate(names)}
    text = json.dumps(header).encode()
    data = np.arange(2 * len(names), dtype="<f4").tobytes()
    return struct.pack("<Q", len(text)) + text + data


def _rendered(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.success]
    return "\n".join(parts)


def test_a_tensor_name_from_a_file_is_shown_as_plain_text(app_test):
    at = app_test(page="explore", query={"src": "upload"})
    at.run()
    at.get("file_uploader")[0].set_value(
        ("w.safetensors", _safetensors([HOSTILE_NAME]), "application/octet-stream"))
    at.run()
    _check(at)
    shown = _rendered(at)
    # the name is there, every Markdown mark escaped: no image, link or directive survives
    assert plain("![px](http://127.0.0.1:9/pixel.png)") in shown, shown
    assert "![px](" not in shown and ":red-background[" not in shown


def _safetensors_2d(names: list[str], bad: str | None = None) -> bytes:
    from safetensors.numpy import save

    rng = np.random.default_rng(0)
    tensors = {n: rng.standard_normal((4, 8)).astype(np.float32) for n in names}
    if bad is not None:  # a tensor the report cannot measure: listed with its name and reason
        tensors[bad] = np.array([np.nan, 1.0], np.float32)
    return save(tensors)


@pytest.mark.parametrize("page, query, data", [
    # the report names the worst tensors and the ones it could not measure
    ("checkpoint", {"ck_src": "upload"},
     lambda: _safetensors_2d([HOSTILE_NAME], "x" + HOSTILE_NAME)),
    # a checkpoint that does not fit the network is refused naming the tensors it holds
    ("model", {"net": "upload"}, lambda: _safetensors_2d([HOSTILE_NAME])),
], ids=["checkpoint", "model"])
def test_names_from_a_file_are_plain_text_on_every_page_that_reads_one(app_test, page, query,
                                                                         data):
    at = app_test(page=page, query=query)
    at.run()
    at.get("file_uploader")[0].set_value(("w.safetensors", data(), "application/octet-stream"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = _rendered(at)
    assert plain("![px](http://127.0.0.1:9/pixel.png)") in shown, shown  # shown, escaped
    assert "![px](" not in shown and ":red-background[" not in shown, shown


def test_a_checkpoint_of_thousands_of_tensors_gets_a_search_not_a_list(app_test):
    from quantviz.ui.controls import PICKER_MAX

    names = [f"layer{i}.weight" for i in range(3 * PICKER_MAX)]
    at = app_test(page="explore", query={"src": "upload"})
    at.run()
    at.get("file_uploader")[0].set_value(
        ("big.safetensors", _safetensors(names), "application/octet-stream"))
    at.run()
    _check(at)
    [picker] = [s for s in at.selectbox if "layer0.weight" in s.options[0]]
    assert len(picker.options) == PICKER_MAX  # not 600
    at.text_input[0].input("LAYER59.").run()  # case ignored
    [picker] = [s for s in at.selectbox if any("layer59" in o for o in s.options)]
    assert [o.split()[0] for o in picker.options] == ["layer0.weight", "layer59.weight"]
