"""The Toolchains page: one tensor through every toolchain's defaults, side by side.

1. A table: each toolchain's scale, zero point, qmin..qmax, SQNR, codes used and clipped share.
2. Two toolchains compared: which values they reconstruct differently, and why.
3. PyTorch's quint8 symmetric corner cases on the tensor (zero point 128, a refusal).
4. Per toolchain, what it is, where that was checked, and a snippet that prints its numbers.
"""

from __future__ import annotations

import io
import re

import numpy as np
import streamlit as st

from quantviz.quantize import QuantConfig
from quantviz.studies import toolchains as toolchain_study
from quantviz.toolchains import PYTORCH_QUINT8_SYMMETRIC_ZERO_POINT, TOOLCHAINS, tflite_qparams
from quantviz.ui import controls, shell
from quantviz.ui.caching import cached
from quantviz.ui.controls import Tensor
from quantviz.ui.i18n import has, t
from quantviz.ui.state import Control, widget

A = Control("tc.a", "select", "pytorch_x86_ptq", "toolchains.a", options=tuple(TOOLCHAINS),
            option_prefix="toolchains.name")
B = Control("tc.b", "select", "onnxruntime_static", "toolchains.b", options=tuple(TOOLCHAINS),
            option_prefix="toolchains.name")


@cached(8)
def rows(source: tuple, _x: np.ndarray) -> tuple:
    """:func:`toolchain_study.toolchain_rows` of the tensor ``source`` (cached by its key)."""
    return tuple(toolchain_study.toolchain_rows(_x, controls.BATCHES))


@cached(16)
def compared(source: tuple, a: str, b: str, _x: np.ndarray, _rows: tuple):
    by_key = {r.key: r for r in _rows}
    return toolchain_study.disagreement(_x, by_key[a].qp, by_key[b].qp, a, b)


def name(key: str) -> str:
    return t(f"toolchains.name.{key}")


def refusal_text(item) -> str:
    """Why a toolchain refused (a row or a quirk with ``error`` set), in the page's language:
    the sentence of its refusal kind, filled with the numbers the core's message states."""
    kind, values = item.refusal or ("other", ())
    key = f"toolchains.refusal.{kind}"
    return t(key, **dict(values)) if has(key) else t("toolchains.refusal.other")


def quoted_words(error: str) -> str | None:
    """The toolchain's own error words that the core's message quotes ('...'), or None: the
    rest of the message is our English sentence, which the translated reason already says."""
    quote = re.search(r": ('[^']+')\s*$", error)
    return quote.group(1) if quote else None


def original(item, name_text: str) -> None:
    """Under a translated reason, the toolchain's own words where the core quotes them."""
    words = quoted_words(item.error)
    if refusal_text(item) != item.error and words is not None:
        st.caption(t("toolchains.refused.original", name=name_text, message=words))


def table(found: tuple) -> None:
    st.subheader(t("toolchains.table"), help=t("toolchains.table.help",
                                                 batches=controls.BATCHES))
    records = []
    for r in found:
        if r.qp is None:
            records.append({t("toolchains.col.toolchain"): name(r.key),
                            "scale": t("toolchains.refused", reason=refusal_text(r))})
            continue
        records.append({
            t("toolchains.col.toolchain"): name(r.key),
            "scale": f"{r.qp.scale:.6g}",
            "zero_point": str(r.qp.zero_point),
            "qmin..qmax": f"{r.qp.qmin}..{r.qp.qmax}",
            "SQNR (dB)": f"{r.sqnr_db:.2f}",
            t("toolchains.col.codes"): f"{r.codes_used} / {r.levels}",
            t("toolchains.col.clipped"): f"{100 * r.fraction_clipped:.3f}",
        })
    shell.table(records)
    for r in found:
        if r.qp is None:
            original(r, name(r.key))


def comparison(tensor: Tensor, found: tuple) -> None:
    st.subheader(t("toolchains.compare"))
    left, right = st.columns(2)
    a = widget(A, left) or A.default
    b = widget(B, right) or B.default
    by_key = {r.key: r for r in found}
    if by_key[a].qp is None or by_key[b].qp is None:
        st.info(t("toolchains.compare.refused"))
        return
    d = compared(tensor.key, a, b, tensor.x, found)
    qa, qb = by_key[a].qp, by_key[b].qp
    if d.count == 0:
        st.write(t("toolchains.compare.none", a=name(a), b=name(b), n=f"{d.n:,}"))
    else:
        st.write(t("toolchains.compare.count", a=name(a), b=name(b), count=f"{d.count:,}",
                   n=f"{d.n:,}"))
        st.markdown("\n".join(
            "- " + t(f"toolchains.reason.{reason}", count=f"{d.counts[reason]:,}",
                     sa=f"{qa.scale:.6g}", sb=f"{qb.scale:.6g}", za=qa.zero_point,
                     zb=qb.zero_point)
            for reason in toolchain_study.REASONS if d.counts[reason]))
        st.caption(t("toolchains.compare.examples"))
        shell.table({
            "x": [f"{v:.9g}" for v in d.x],
            f"x / scale ({name(a)})": [f"{float(v) / qa.scale:.6f}" for v in d.x],
            f"q ({name(a)})": d.q_a.astype(int), f"q ({name(b)})": d.q_b.astype(int)})
    if not d.same_grid:
        st.caption(t("toolchains.compare.grid_note"))


@cached(8)
def quirks(source: tuple, _x: np.ndarray) -> tuple:
    return tuple(toolchain_study.pytorch_quirks(_x, controls.BATCHES))


def quirk_table(tensor: Tensor) -> None:
    """PyTorch's quint8 symmetric corner cases on this tensor, refusals included."""
    st.subheader(t("toolchains.quirks"))
    st.write(t("toolchains.quirks.intro", zp=PYTORCH_QUINT8_SYMMETRIC_ZERO_POINT))
    records = []
    for q in quirks(tensor.key, tensor.x):
        qp = q.qp
        records.append({
            t("toolchains.col.call"): t(f"toolchains.quirk.{q.key}"),
            "scale": "—" if qp is None else f"{qp.scale:.6g}",
            "zero_point": "—" if qp is None else str(qp.zero_point),
            "qmin..qmax": "—" if qp is None else f"{qp.qmin}..{qp.qmax}",
            t("toolchains.col.clipped"): "—" if qp is None else f"{100 * q.fraction_clipped:.3f}",
            t("toolchains.col.note"): "" if qp is not None else t("toolchains.refused.short")})
    shell.table(records)
    for q in quirks(tensor.key, tensor.x):
        if q.qp is None:  # the reason is a sentence: too long for a table cell
            st.caption(t("toolchains.quirk.refused", call=t(f"toolchains.quirk.{q.key}"),
                         reason=refusal_text(q)))
            original(q, t(f"toolchains.quirk.{q.key}"))
    st.caption(t("toolchains.quirks.note"))


def _npy(x: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(x, dtype=np.float32), allow_pickle=False)
    return buffer.getvalue()


#: int8 without narrow range: ModelOpt's default clamp.
INT8_FULL = QuantConfig(8, "symmetric", signed=True)


def snippets(tensor: Tensor, found: tuple) -> None:
    st.subheader(t("toolchains.code"))
    st.write(t("toolchains.code.intro", batches=controls.BATCHES))
    x = tensor.x
    st.download_button(t("toolchains.code.download"), data=lambda: _npy(x), file_name="x.npy",
                       mime="application/octet-stream", on_click="ignore", key="dl_x")
    weights = tflite_qparams(-1.0, 1.0, weights=True)
    ranges = {r.key: (r.qp.qmin, r.qp.qmax) if r.qp else (None, None) for r in found}
    for key, tc in TOOLCHAINS.items():
        with st.expander(name(key)):
            qmin, qmax = ranges[key]
            st.write(t(f"toolchains.about.{key}", qmin=qmin, qmax=qmax, w_qmin=weights.qmin,
                       w_qmax=weights.qmax, qmin_full=INT8_FULL.qmin))
            st.caption(t("toolchains.source", source=tc.source))
            if not tc.runnable:
                st.caption(t("toolchains.code.formula"))
            st.code(tc.snippet.format(batches=controls.BATCHES), language="python")


def render() -> None:
    """The whole Toolchains page."""
    shell.page_start("toolchains")
    tensor = controls.tensor_source()
    st.caption(tensor.label)
    if tensor.x.size == 0:
        st.info(t("toolchains.empty"))
        shell.page_end()
        return
    with shell.busy(t("toolchains.busy", n=f"{tensor.x.size:,}"), tensor.x.size):
        found = rows(tensor.key, tensor.x)
    table(found)
    comparison(tensor, found)
    quirk_table(tensor)
    snippets(tensor, found)
    shell.page_end()
