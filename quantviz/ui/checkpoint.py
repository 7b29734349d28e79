"""The Checkpoint page: every tensor of a checkpoint in one table, worst first, and a summary.

The checkpoint is a built-in one (the synthetic LLM-like checkpoint, the digits model when it
is installed) or an upload; the report is computed once per checkpoint, scheme, group size and
number format, tensor by tensor with a progress bar, and kept in a bounded cache.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from quantviz.formats import FORMATS
from quantviz.quantize import QuantConfig
from quantviz.studies import checkpoint
from quantviz.studies.checkpoint import Report, TensorRow
from quantviz.ui import budget, cache, checkpoint_cache, controls, shell
from quantviz.ui.caching import key as cache_key
from quantviz.ui.i18n import plain, t
from quantviz.ui.per_channel import GROUP, presets, scheme
from quantviz.ui.state import Control, value, widget

SOURCE = Control("ck_src", "segmented", "builtin", "checkpoint.source",
                 options=("builtin", "upload"))
FILTER = Control("ck_filter", "text", "", "checkpoint.filter", help="checkpoint.filter.help")
#: The number format beside the integer schemes: NF4 (QLoRA's 4-bit weights, bitsandbytes),
#: what an int4-groups checkpoint is usually weighed against.
FORMAT = Control("ck_fmt", "select", "nf4", "checkpoint.format", options=tuple(FORMATS),
                 option_prefix="fmt", help="checkpoint.format.help")
#: How many of the worst tensors the summary names.
WORST = checkpoint.WORST
#: Seconds between two updates of the progress bar within one percent.
PROGRESS_EVERY = 0.1


@dataclass(frozen=True)
class Source:
    """The checkpoint the page reports on: a cache key, the built-in's key (None for an
    upload), a note to show, and its entries (made on demand)."""

    key: tuple
    builtin: str | None
    note: str
    entries: Callable[[], list[checkpoint.Entry]]


def _builtin_note(name: str) -> str:
    if name == "synthetic_llm":
        return t("checkpoint.synthetic_note", layers=checkpoint.LLM_LAYERS,
                 hidden=checkpoint.LLM_HIDDEN, inter=checkpoint.LLM_INTERMEDIATE,
                 vocab=f"{checkpoint.LLM_VOCAB:,}", huge=checkpoint.LLM_HUGE_WEIGHTS,
                 times=f"{checkpoint.LLM_HUGE:g}")
    return t("checkpoint.digits_note")


def source() -> Source | None:
    """Draw the source controls; None (with a note) while no file has been uploaded."""
    st.sidebar.subheader(t("checkpoint.sidebar"))
    kind = widget(SOURCE) or SOURCE.default
    if kind == "builtin":
        name = widget(controls.CKPT) or controls.CKPT.default
        return Source(("builtin", name), name, _builtin_note(name),
                      lambda: checkpoint.builtin_entries(name))
    file = st.sidebar.file_uploader(t("checkpoint.upload"), type=controls.UPLOAD_TYPES,
                                    key="ck_upload",
                                    help=t("checkpoint.upload.help"))
    if file is None:
        st.info(t("checkpoint.upload_none"))
        return None
    data = file.getvalue()
    digest = controls.upload_digest(file, "ck_")
    infos, error = cache.upload_catalog(digest, file.name, data)
    if error:
        st.error(t("upload.refused", reason=plain(error)))
        return None
    note = t("checkpoint.upload_note", file=plain(file.name))
    if len(infos) > checkpoint.MAX_TENSORS:
        note += " " + t("checkpoint.first_tensors", shown=f"{checkpoint.MAX_TENSORS:,}",
                        n=f"{len(infos):,}")
    return Source(("upload", digest, file.name), None, note,
                  lambda: checkpoint.file_entries(file.name, data)[:checkpoint.MAX_TENSORS])


def compute(src: Source, cfg: QuantConfig, group: int, fmt: str) -> Report:
    """The report, from the cache or measured now with a progress bar."""
    slot = checkpoint_cache.report_slot(cache_key(src.key, cfg, group, fmt))
    with slot["lock"]:
        if "report" not in slot:
            bar = st.progress(0.0)
            shown = {"percent": -1, "at": 0.0}

            def progress(done: int, total: int, name: str) -> None:
                # a message per percent or per tenth of a second, not per tensor: 4,000 tiny
                # tensors sent 4,000 bar updates (a sixth of the report's time)
                percent, now = (100 * done // total if total else 100), time.monotonic()
                if percent == shown["percent"] and now - shown["at"] < PROGRESS_EVERY:
                    return
                shown.update(percent=percent, at=now)
                bar.progress(done / total if total else 1.0,
                             text=t("checkpoint.progress", name=plain(name), done=f"{done:,}",
                                    total=f"{total:,}"))

            entries = src.entries()
            # one tensor at a time, a chunk at a time: the largest one decoded, and a chunk
            largest = max((e.n_elements for e in entries), default=None)
            if largest is not None:
                budget.hold(checkpoint.work_bytes(largest))
            slot["report"] = checkpoint.report(entries, cfg, group, progress, fmt)
            bar.empty()
    return slot["report"]


def _db(v: float | None) -> str:
    if v is None:
        return "—"
    return "∞" if v == math.inf else f"{v:.2f}"


def _fmt_label(fmt: str) -> str:
    return t(f"fmt.{fmt}")


def _scheme_name(kind: str, group: int, fmt: str | None = None) -> str:
    if kind == "format":
        return t("checkpoint.scheme.format", fmt=_fmt_label(fmt))
    return t(f"checkpoint.scheme.{kind}", g=group) if kind == "group" else t(
        f"checkpoint.scheme.{kind}")


def summary(rep: Report, cfg: QuantConfig) -> None:
    st.subheader(t("checkpoint.h.summary"))
    stored = rep.stored_bytes()
    cols = st.columns(3)
    cols[0].metric(t("checkpoint.m.tensors"), f"{len(rep.rows):,}")
    cols[1].metric(t("checkpoint.m.params"), f"{rep.n_params:,}")
    cols[2].metric(t("checkpoint.m.stored"), f"{stored:,}")
    shell.table([{t("checkpoint.col.scheme"): _scheme_name(s.name, rep.group_size, rep.fmt),
                   t("checkpoint.col.pairs"): f"{s.n_params:,}",
                   t("checkpoint.col.bytes"): f"{s.bytes:,}",
                   t("checkpoint.col.bpv"): f"{s.bits_per_value:.3f}",
                   t("checkpoint.col.ratio"): f"{s.bytes / stored:.1%}",
                   t("checkpoint.col.sqnr_all"): _db(s.sqnr_db),
                   t("checkpoint.col.sqnr_mean"): _db(s.mean_db)} for s in rep.totals()])
    st.caption(t("checkpoint.totals_note", bits=cfg.bits, g=rep.group_size))
    fmt_total = next((s for s in rep.totals() if s.name == "format"), None)
    if fmt_total is not None:
        f = FORMATS[rep.fmt]
        scales = (t("checkpoint.fmt.block", block=f.block) if f.block
                  else t("checkpoint.fmt.tensor"))
        st.caption(t("checkpoint.format_note", fmt=_fmt_label(rep.fmt), bits=f.bits,
                     scales=scales, bpv=f"{fmt_total.bits_per_value:.3f}"))
    worst = rep.worst(WORST)
    lines = [t("checkpoint.worst", k=len(worst), bits=cfg.bits)]
    for r in worst:
        facts = {"name": plain(r.name), "shape": list(r.shape), "tensor": _db(r.sqnr_tensor),
                 "sigmas": f"{r.range_sigmas:.1f}", "kurt": f"{r.stats.kurtosis:.1f}"}
        if r.sqnr_channel is None:
            lines.append("- " + t("checkpoint.worst.row_1d", **facts))
            continue
        gain = r.sqnr_channel - r.sqnr_tensor
        lines.append("- " + t("checkpoint.worst.row", channel=_db(r.sqnr_channel),
                              delta=f"{gain:+.2f} dB" if math.isfinite(gain) else "∞", **facts))
    st.markdown("\n".join(lines))
    format_worst(rep)
    error_ranking(rep)
    low = rep.below_median()
    median = rep.median_sqnr()
    verdict = ("checkpoint.even" if not low else "checkpoint.few"
               if len(low) <= max(WORST, len(rep.rows) // 4) else "checkpoint.many")
    st.markdown(t(verdict, k=len(low), n=len(rep.rows), margin=f"{checkpoint.DB_PER_BIT:.2f}",
                  median=_db(median)))
    w = worst[0]
    sig = f"{checkpoint.SIGMAS:g}"
    if w.clip_sqnr is None:
        st.markdown(t("checkpoint.rounding.none", sigmas=sig))
    else:
        verdict = t("checkpoint.rounding.worse" if w.clip_sqnr < w.sqnr_tensor
                    else "checkpoint.rounding.better")
        st.markdown(t("checkpoint.rounding", sigmas=sig, clip=_db(w.clip_sqnr),
                      tensor=_db(w.sqnr_tensor), share=f"{w.clip_share:.1%}", verdict=verdict))


def error_ranking(rep: Report) -> None:
    """Which tensor hurts, by weight error only, with what that cannot see."""
    ranked = rep.error_ranking(WORST)
    lines = [t("checkpoint.hurts", k=len(ranked), g=rep.group_size)]
    lines += ["- " + t("checkpoint.hurts.row", name=plain(r.name), share=f"{share:.1%}",
                       sqnr=_db(sqnr), n=f"{r.n:,}") for r, share, sqnr in ranked]
    st.markdown("\n".join(lines))
    st.caption(t("checkpoint.hurts.limits"))


def format_worst(rep: Report) -> None:
    """The worst tensors in the report's format, beside the integer groups at the same step."""
    worst = rep.worst_in_format(WORST)
    if not worst:
        return
    fmt_bits = FORMATS[rep.fmt].bits
    lines = [t("checkpoint.fmt_worst", k=len(worst), fmt=_fmt_label(rep.fmt),
               fmt_bits=fmt_bits, bits=rep.cfg.bits)]
    for r in worst:
        facts = {"name": plain(r.name), "shape": list(r.shape), "sqnr": _db(r.sqnr_format),
                 "tensor": _db(r.sqnr_tensor), "g": rep.group_size, "bits": rep.cfg.bits}
        if r.sqnr_fmt_group is None:
            lines.append("- " + t("checkpoint.fmt_worst.row", **facts))
        else:
            lines.append("- " + t("checkpoint.fmt_worst.row_group",
                                  group=_db(r.sqnr_fmt_group), fmt_bits=fmt_bits, **facts))
    st.markdown("\n".join(lines))


def _link(page: str, builtin: str, name: str, extra: dict) -> str:
    query = {("src" if page == "explore" else "pc_src"): "ckpt", "ckpt": builtin,
             "ckpt_t": name, **extra}
    return f"{page}?{urlencode(query)}"


def _carried(page: str) -> dict:
    """The scheme (and language) controls with non-default values, carried by the links."""
    carried = [shell.LANG, controls.SCHEME, controls.BITS, controls.SIGNED, controls.NARROW]
    if page == "per_channel":
        carried.append(GROUP)
    out = {}
    for c in carried:
        v = st.session_state.get(c.key, c.default)
        if v is not None and v != c.default:
            out[c.key] = c.serialize(v)
    return out


def _row(r: TensorRow, builtin: str | None) -> dict:
    row = {"name": r.name, "shape": " × ".join(map(str, r.shape)) or "scalar",
           "dtype": r.dtype_name, "params": r.n, "min": r.stats.x_min, "max": r.stats.x_max,
           "std": r.stats.std, "kurtosis": r.stats.kurtosis, "beyond": r.stats.beyond * 100,
           "reach": r.range_sigmas, "tensor": r.sqnr_tensor, "channel": r.sqnr_channel,
           "group": r.sqnr_group, "format": r.sqnr_format, "clip": r.clip_sqnr,
           "hist": list(r.hist_log)}
    if builtin is not None:
        row["explore"] = _link("explore", builtin, r.name, _carried("explore"))
        row["per_channel"] = (_link("per_channel", builtin, r.name, _carried("per_channel"))
                              if len(r.shape) >= 2 else None)
    return row


def _columns(links: bool, fmt: str | None) -> dict:
    sig = f"{checkpoint.SIGMAS:g}"
    sqnr = t("checkpoint.col.sqnr.help")
    number = st.column_config.NumberColumn
    config = {
        "name": st.column_config.TextColumn(t("checkpoint.col.name"), pinned=True),
        "shape": t("checkpoint.col.shape"),
        "dtype": t("checkpoint.col.dtype"),
        "params": number(t("checkpoint.col.params"), format="localized"),
        "min": number("min", format="%.4g"),
        "max": number("max", format="%.4g"),
        "std": number(t("checkpoint.col.std"), format="%.4g"),
        "kurtosis": number(t("checkpoint.col.kurtosis"), format="%.1f"),
        "beyond": number(t("checkpoint.col.beyond", sigmas=sig), format="%.3f %%",
                         help=t("checkpoint.col.beyond.help", sigmas=sig)),
        "reach": number(t("checkpoint.col.reach"), format="%.1f",
                        help=t("checkpoint.col.reach.help")),
        "tensor": number(t("checkpoint.col.sqnr_tensor"), format="%.2f", help=sqnr),
        "channel": number(t("checkpoint.col.sqnr_channel"), format="%.2f", help=sqnr),
        "group": number(t("checkpoint.col.sqnr_group"), format="%.2f", help=sqnr),
        "clip": number(t("checkpoint.col.sqnr_clip", sigmas=sig), format="%.2f", help=sqnr),
        "format": number(t("checkpoint.col.sqnr_format", fmt=_fmt_label(fmt) if fmt else "—"),
                         format="%.2f", help=t("checkpoint.col.sqnr_format.help")),
        "hist": st.column_config.BarChartColumn(
            t("checkpoint.col.hist"), help=t("checkpoint.col.hist.help",
                                             bins=checkpoint.HIST_BINS), y_min=0.0),
    }
    if links:
        config["explore"] = st.column_config.LinkColumn(t("checkpoint.col.explore"),
                                                        display_text=t("checkpoint.link.open"))
        config["per_channel"] = st.column_config.LinkColumn(
            t("checkpoint.col.per_channel"), display_text=t("checkpoint.link.open"))
    return config


#: The per-tensor grid's columns in presentation mode (a projector reads a few large ones),
#: with each one's number format.
PRESENTED = (("name", None), ("tensor", "{:.2f}"), ("channel", "{:.2f}"), ("group", "{:.2f}"),
             ("format", "{:.2f}"), ("shape", None), ("kurtosis", "{:.1f}"), ("reach", "{:.1f}"))
#: Rows of the per-tensor grid in presentation mode: the worst ones.
PRESENTED_ROWS = 20


def presented_table(shown: list[TensorRow], fmt: str | None) -> None:
    """The per-tensor grid as a table that scales with the page (``shell.table``): the
    ``PRESENTED_ROWS`` worst rows, the ``PRESENTED`` columns, every cell plain text."""
    config = _columns(False, fmt)
    columns = [(c, f) for c, f in PRESENTED if c != "format" or fmt]
    rows = [_row(r, None) for r in shown[:PRESENTED_ROWS]]
    label = {c: config[c] if isinstance(config[c], str) else config[c]["label"]
             for c, _ in columns}
    shell.table([{label[c]: row[c] for c, _ in columns} for row in rows],
                formats={label[c]: f for c, f in columns if f})
    if len(shown) > PRESENTED_ROWS:
        st.caption(t("checkpoint.presented", k=PRESENTED_ROWS, n=len(shown)))


def table(rep: Report, builtin: str | None) -> None:
    st.subheader(t("checkpoint.h.table"))
    text = (widget(FILTER, st) or "").strip()
    rows = sorted(rep.rows, key=lambda r: r.sqnr_tensor)
    shown = [r for r in rows if text.lower() in r.name.lower()]
    if text:
        st.caption(t("checkpoint.filtered", shown=len(shown), n=len(rows), text=plain(text)))
    if value(shell.PRESENT):
        presented_table(shown, rep.fmt)
        return
    links = ("explore", "per_channel") if builtin is not None else ()
    st.dataframe([_row(r, builtin) for r in shown], hide_index=True, width="stretch",
                 column_config=_columns(builtin is not None, rep.fmt),
                 column_order=("name", "tensor", "channel", "group",
                               *(("format",) if rep.fmt else ()), "hist", *links, "shape",
                               "dtype", "params", "min", "max", "std", "kurtosis", "beyond",
                               "reach", "clip"),
                 height=min(600, 38 + 35 * len(shown)))
    if builtin is None:
        st.caption(t("checkpoint.links_upload"))


def render() -> None:
    """The whole Checkpoint page."""
    shell.page_start("checkpoint")
    src = source()
    cfg = scheme()
    group = widget(GROUP)
    fmt = widget(FORMAT) or FORMAT.default
    presets()
    if src is None:
        shell.page_end()
        return
    st.markdown(src.note)
    rep = compute(src, cfg, group, fmt)
    for failed in rep.failed:
        st.warning(t("checkpoint.failed", name=plain(failed.name), reason=plain(failed.reason)))
    if not rep.rows:
        st.info(t("checkpoint.nothing"))
        shell.page_end()
        return
    summary(rep, cfg)
    table(rep, src.builtin)
    shell.page_end()
