"""The GGUF page: llama.cpp's block types on the current tensor, byte for byte.

Reads as its table of contents in :func:`render`: the tensor (the shared picker, or a tensor
of a ``.gguf`` file), every type's SQNR and bits, the frontier beside the formats, one Q4_K
super-block taken apart, the scale search, "not k-means", the importance matrix, the four
families, and what the GGUF file holds.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from quantviz import gguf, loaders, present
from quantviz.formats import FORMATS
from quantviz.gguf_file import GGUFFile, bits_per_weight, read_gguf
from quantviz.studies import formats as format_study
from quantviz.studies import gguf as study
from quantviz.studies.checkpoint import LLM_LAYERS
from quantviz.ui import budget, cache, controls, shell
from quantviz.ui.caching import cached, frozen
from quantviz.ui.controls import Tensor
from quantviz.ui.formats import LLM_STD, PRESETS, cached_frontier
from quantviz.ui.i18n import plain, t
from quantviz.ui.state import Control, set_values, widget

# --- caches: bounded, shared by every session (the rules of quantviz.ui.cache) ---


@cached(64)
def cached_type(source: tuple, qtype: str, _rows: np.ndarray) -> study.TypeResult:
    """``study.type_result`` of ``qtype`` on the studied rows of the tensor ``source``."""
    return study.type_result(_rows, qtype)


@cached(16)
def cached_gain(source: tuple, _rows: np.ndarray) -> study.SearchGain:
    return study.search_gain(_rows)


@cached(16)
def cached_imatrix(source: tuple, _rows: np.ndarray) -> study.ImatrixTensor:
    return study.imatrix_tensor(_rows, study.synthetic_imatrix(_rows.shape[1]))


@cached(64)
def cached_builtin_part(hf_name: str) -> tuple:
    """One tensor of the built-in Q4_K_M file, quantized (once per server)."""
    return study.builtin_part(hf_name)


@cached(1)
def cached_builtin(names: tuple[str, ...], _parts: dict) -> bytes:
    """The built-in Q4_K_M file from its parts."""
    return study.builtin_file(_parts)


def builtin_bytes() -> bytes:
    """The built-in file, each tensor quantized under a progress bar the first time."""
    plan = study.builtin_plan()
    bar = st.empty()
    parts = {}
    for i, (hf, name, _, _) in enumerate(plan):
        bar.progress(i / len(plan), t("gguf.file.building", i=i + 1, k=len(plan)))
        parts[name] = cached_builtin_part(hf)
    bar.empty()
    return cached_builtin(tuple(parts), parts)


@cached(8)
def cached_file(digest: str, _data: bytes) -> tuple[GGUFFile | None, str | None]:
    """``read_gguf`` of an upload within the limits, or the sentence refusing it."""
    try:
        return read_gguf(_data, max_tensors=MAX_TENSORS, max_array=MAX_METADATA_ARRAY,
                         max_decoded_bytes=MAX_DECODED), None
    except ValueError as err:
        return None, str(err)


@cached(8)
def cached_errors(digest: str, orig: str, _file: GGUFFile, _originals: dict
                  ) -> tuple[study.FileTensorError, ...]:
    return study.file_errors(_file, _originals, ERROR_MAX_VALUES, ERROR_MAX_TENSORS)


# --- the page ---

#: Tensors a .gguf may list, and float32 bytes one of its tensors may decode to.
MAX_TENSORS = 20_000
#: Array elements in a .gguf's metadata (a 256k-token vocabulary takes about 800k; 4M one-byte
#: strings took 8 s to read, 4M empty nested arrays 25 s and 1.3 GB).
MAX_METADATA_ARRAY = 1 << 20
MAX_DECODED = 64 * 2**20
#: Tensors larger than this are not compared with their original.
ERROR_MAX_VALUES = 1 << 22
#: At most this many tensors are compared with their originals: each costs about 0.3 ms
#: however small (4,096 took 1.2 s, 20,000 over 2 s). Every tensor of the file's table.
ERROR_MAX_TENSORS = 1_000
#: Rows of the file's table: a row costs about 0.13 ms to draw (20,000 took 2.6 s); a real
#: file has hundreds of tensors (DeepSeek-V3, a large mixture of experts, 1,025 in llama.cpp's
#: loader log, ggml-org/llama.cpp#10981). Every tensor can still be picked under "Tensor of
#: the file".
FILE_MAX_ROWS = 2_000
#: Work on at least this many values gets a progress bar (about 2 s for all types).
PROGRESS_MIN_VALUES = 1 << 16

BUILTIN_NAME = "quantviz-synthetic-llm-Q4_K_M.gguf"
BLOCK = Control("gblock", "int", 0, "gguf.block", lo=0, hi=study.STUDY_MAX_VALUES // 256 - 1,
                help="gguf.block.help")
SUB = Control("gsub", "int", 0, "gguf.sub", lo=0, hi=7, help="gguf.sub.help")
STUDY_FILE = Control("gfile", "toggle", False, "gguf.file.study", help="gguf.file.study.help")


def preset() -> None:
    st.button(t("gguf.preset", std=LLM_STD), key="gpreset_llm",
              help=t("gguf.preset.help", std=LLM_STD), on_click=set_values,
              args=(PRESETS["llm"],))


# ---------------------------------------------------------------------- the GGUF file


def gguf_file() -> tuple[str, str, GGUFFile | None, bytes | None, str | None]:
    """The sidebar's file: ``(digest, shown name, parsed file, original .safetensors, its
    name)``; the built-in file when nothing is uploaded; ``file`` None when refused."""
    box = st.sidebar
    box.subheader(t("gguf.file.sidebar"))
    up = box.file_uploader(t("gguf.file.upload"), type=["gguf"], key="gguf_upload",
                           help=t("gguf.file.upload.help"))
    orig = box.file_uploader(t("gguf.file.orig"), type=["safetensors"], key="gguf_orig",
                             help=t("gguf.file.orig.help"))
    orig_data = orig.getvalue() if orig is not None else None
    orig_name = orig.name if orig is not None else None
    if up is None:
        box.caption(t("gguf.file.builtin"))
        data = builtin_bytes()
        file, error = cached_file("builtin", data)
        return "builtin", BUILTIN_NAME, file, orig_data, orig_name
    data = up.getvalue()
    digest = controls.upload_digest(up, "gguf_")
    file, error = cached_file(digest, data)
    if error:
        box.error(t("gguf.file.refused", reason=plain(error)))
    return digest, up.name, file, orig_data, orig_name


def file_tensor(digest: str, filename: str, file: GGUFFile) -> Tensor | None:
    """The picked tensor of the file, dequantized, when the study switch is on."""
    box = st.sidebar
    names = [info.name for info in file.tensors]
    if not names:
        return None
    described = {i.name: f"{i.name}  {list(i.shape)}  {i.type}" for i in file.tensors}
    name = box.selectbox(t("gguf.file.tensor"), names, key="gguf_tensor",
                         format_func=described.get)
    if not widget(STUDY_FILE, box):
        return None
    info = file.tensor_info(name)
    if digest != "builtin":
        try:
            budget.hold(budget.cost(4 * info.n_elements))
        except budget.OverBudget:
            box.error(t("gguf.file.tensor_refused", reason=plain(
                f"{info.n_elements:,} values exceed the memory budget")))
            return None
    try:
        x = frozen(file.tensor(name))
    except ValueError as err:
        box.error(t("gguf.file.tensor_refused", reason=plain(str(err))))
        return None
    label = t("gguf.file.label", name=plain(name), file=plain(filename), qtype=info.type,
              n=f"{x.size:,}")
    return Tensor(("gguf", digest, name), x, label)


def originals(digest: str, orig_data: bytes | None, orig_name: str | None) -> dict | None:
    """Name -> loader of the originals to compare with, or None (said why in the page)."""
    if digest == "builtin" and orig_data is None:
        return study.builtin_originals()
    if orig_data is None:
        return None
    try:  # one reading of the header for all: a lookup per name re-read it (N^2)
        found = loaders.tensor_loaders(orig_name, orig_data)
    except loaders.TensorLoadError as err:
        st.error(t("gguf.file.orig_refused", reason=plain(str(err))))
        return None
    return {info.name: load for info, load in found if info.n_elements <= ERROR_MAX_VALUES}


def file_section(digest: str, filename: str, file: GGUFFile, orig_data: bytes | None,
                 orig_name: str | None) -> None:
    st.subheader(t("gguf.file.heading"))
    st.markdown(t("gguf.file.summary", name=plain(filename), version=file.version,
                  count=f"{file.tensor_count:,}", kv=f"{file.kv_count:,}",
                  bpw=f"{study.file_bits(file):.3f}"))
    found = originals(digest, orig_data, orig_name)
    errors = {}
    if found is not None:
        orig_key = "builtin" if orig_data is None else cache.digest(orig_data)
        errors = {e.name: e for e in cached_errors(digest, orig_key, file, found)}
        st.caption(t("gguf.file.errors_builtin") if orig_data is None
                   else t("gguf.file.errors_upload", file=plain(orig_name)))
    else:
        st.caption(t("gguf.file.no_orig"))
    shell.table(file_rows(file, errors))
    if file.tensor_count > FILE_MAX_ROWS:
        st.caption(t("gguf.file.rows_capped", shown=f"{FILE_MAX_ROWS:,}",
                     n=f"{file.tensor_count:,}"))


def file_rows(file: GGUFFile, errors: dict) -> list[dict]:
    """The file table's rows: the first :data:`FILE_MAX_ROWS` tensors, with their errors."""
    name, qtype, shape, bpw, error, note = (t(f"gguf.col.{c}") for c in (
        "name", "type", "shape", "bpw", "error", "note"))  # once, not once per row
    notes = {k: t(f"gguf.note.{k}", n=f"{ERROR_MAX_TENSORS:,}")
             for k in ("missing", "size", "count", "type", "shape")}
    rows = []
    for info in file.tensors[:FILE_MAX_ROWS]:
        row = {name: info.name, qtype: info.type, shape: " × ".join(map(str, info.shape)),
               bpw: round(bits_per_weight(info.type), 4)}
        e = errors.get(info.name)
        if e is not None:
            row[error] = (None if e.sqnr_db is None else
                          (math.inf if math.isinf(e.sqnr_db) else round(e.sqnr_db, 2)))
            row[note] = notes[e.note] if e.note else ""
        rows.append(row)
    return rows


# ---------------------------------------------------------------------- the types


def _family(fam: str) -> str:
    return t(f"gguf.family.{fam}")


def types(tensor: Tensor, sr: study.StudyRows) -> list[study.TypeResult]:
    st.subheader(t("gguf.types.heading"))
    names = list(gguf.QTYPES)
    bar = st.empty() if sr.used >= PROGRESS_MIN_VALUES else None
    results = []
    for i, qtype in enumerate(names):
        if bar is not None:
            bar.progress(i / len(names), t("gguf.progress", n=f"{sr.used:,}", qtype=qtype,
                                             i=i + 1, k=len(names)))
        results.append(cached_type(tensor.key, qtype, sr.rows))
    if bar is not None:
        bar.empty()
    table = []
    for r in results:
        parts = study.layout_bits(r.qtype)
        table.append({
            t("gguf.col.type"): r.qtype, t("gguf.col.family"): _family(r.family),
            t("gguf.col.bpw"): r.bits_per_weight,
            t("gguf.col.codes"): parts["codes"],
            t("gguf.col.scales"): round(r.bits_per_weight - parts["codes"], 4),
            t("gguf.col.sqnr"): round(r.sqnr_db, 2) if math.isfinite(r.sqnr_db) else r.sqnr_db,
            t("gguf.col.max_err"): float(f"{r.max_abs_error:.4g}")})
    shell.table(table)
    st.caption(t("gguf.types.note"))
    return results


def frontier(tensor: Tensor, results: list[study.TypeResult], theme: present.Theme) -> None:
    sample_n = format_study.frontier_sample(tensor.x).size
    try:
        with shell.busy(t("formats.busy_frontier", n=f"{sample_n:,}", k="all"), sample_n):
            formats = cached_frontier(tensor.key, tensor.x)
    except ValueError:
        formats = ()
    points = [(r.qtype, r.family, r.bits_per_weight, r.sqnr_db) for r in results]
    fmt_points = [(FORMATS[f.fmt].label, f.bits_per_value, f.sqnr_db) for f in formats]
    fams = {f: _family(f) for f in study.FAMILIES}
    shell.figure_of(present.gguf_frontier, points, formats=fmt_points, families=fams,
                    labels={"title": t("gguf.fig.frontier"), "x": t("gguf.fig.frontier_x"),
                            "formats": t("gguf.fig.formats"), "y": "SQNR (dB)"},
                    theme=theme, key="gfig_frontier")
    st.caption(t("gguf.frontier.caption", n=f"{sample_n:,}",
                 best=", ".join(study.front(results))))


# ------------------------------------------------------------------- the inspector


def _part(p: study.BytePart) -> str:
    name = t(f"gguf.part.{p.kind}", j=p.index)
    whole = p.hi == 5 and p.lo == 0
    bits = "" if whole else " " + t("gguf.part.bits", hi=p.hi, lo=p.lo)
    return f"{name}{bits} = {p.value:0{p.width}b}"


def inspector(sr: study.StudyRows, theme: present.Theme) -> tuple[int, int]:
    st.subheader(t("gguf.inspect.heading"))
    left, right = st.columns(2)
    with left:
        block = int(widget(BLOCK, st) or 0)
    with right:
        sub = int(widget(SUB, st) or 0)
    block = min(max(block, 0), sr.n_blocks - 1)
    sb = study.superblock(sr.rows, block)
    shell.figure_of(present.superblock_figure, sb.x, sb.x_hat,
                    labels={"title": t("gguf.fig.block", i=block), "x": "x",
                            "x_hat": t("gguf.fig.x_hat"), "xlabel": t("gguf.fig.block_x"),
                            "y": t("gguf.fig.value"), "sub": t("gguf.fig.sub", j="{j}")},
                    theme=theme, key="gfig_block")
    st.markdown(t("gguf.block.sentence", d=f"{sb.d:.6g}", d_bits=sb.d_bits,
                  dmin=f"{sb.dmin:.6g}", dmin_bits=sb.dmin_bits, sqnr=f"{sb.sqnr_db:.2f}"))
    steps, offsets = sb.sub_scales, sb.sub_mins
    shell.table([{t("gguf.col.sub"): j, t("gguf.col.scale6"): int(sb.scales[j]),
                   t("gguf.col.min6"): int(sb.mins[j]),
                   t("gguf.col.step"): float(f"{steps[j]:.5g}"),
                   t("gguf.col.offset"): float(f"{offsets[j]:.5g}"),
                   t("gguf.col.codes4"): " ".join(f"{c:X}" for c in sb.codes[32 * j:32 * j + 32])}
                  for j in range(8)])
    st.markdown(f"**{t('gguf.packing.heading')}**")
    st.caption(t("gguf.packing.rule"))
    shell.table([{t("gguf.col.byte"): i, t("gguf.col.hex"): f"0x{int(b):02X}",
                   t("gguf.col.bits"): f"{int(b):08b}",
                   t("gguf.col.holds"): " | ".join(_part(p) for p in sb.bytes_layout[i])}
                  for i, b in enumerate(sb.packed)])
    return block, sub


def search(tensor: Tensor, sr: study.StudyRows, block: int, sub: int,
           theme: present.Theme) -> None:
    st.subheader(t("gguf.search.heading"))
    s = study.sub_block_search(sr.rows, block, sub)
    tr = s.trace
    naive_iscale = tr.nmax / (float(tr.x.max()) - min(float(tr.x.min()), 0.0)) \
        if tr.x.max() > min(tr.x.min(), 0) else 0.0
    shell.figure_of(present.search_curve, tr.iscales, tr.candidate_errors,
                    solvable=tr.solvable, kept=tr.kept, naive_iscale=naive_iscale,
                    naive_error=tr.naive_error,
                    labels={"title": t("gguf.fig.search", i=block, j=sub),
                            "x": t("gguf.fig.search_x"), "y": t("gguf.fig.search_y"),
                            "tried": t("gguf.fig.tried"), "better": t("gguf.fig.better"),
                            "kept": t("gguf.fig.kept"), "naive": t("gguf.fig.naive")},
                    theme=theme, key="gfig_search")
    st.markdown(t("gguf.search.rule", k=tr.iscales.size))
    st.markdown(t("gguf.search.block", naive=f"{tr.naive_error:.4g}", kept=f"{tr.error:.4g}",
                  gain=f"{s.gain_db:.2f}"))
    gain = cached_gain(tensor.key, sr.rows)
    st.markdown(t("gguf.search.tensor", search=f"{gain.search_db:.2f}",
                  naive=f"{gain.naive_db:.2f}", gain=f"{gain.gain_db:.2f}"))


# ------------------------------------------------------------------ the lessons


def not_kmeans() -> None:
    st.subheader(t("gguf.kmeans.heading"))
    st.markdown(t("gguf.kmeans.body"))
    plan = study.builtin_plan()
    more = ", ".join(str(i) for i in range(LLM_LAYERS) if study.use_more_bits(i, LLM_LAYERS))
    st.markdown(t("gguf.kmeans.table", count=len(plan), layers=LLM_LAYERS, more=more))
    shell.table([{t("gguf.col.name"): name, t("gguf.col.shape"): " × ".join(map(str, shape)),
                   t("gguf.col.type"): rule.qtype,
                   t("gguf.col.why"): t(f"gguf.reason.{rule.reason}")}
                  for _, name, shape, rule in plan])
    repo, path, commit = study.LLAMA_CPP_SOURCE
    st.caption(t("gguf.kmeans.source", file=path, repo=repo, commit=commit))


def importance(tensor: Tensor, sr: study.StudyRows, block: int) -> None:
    st.subheader(t("gguf.imatrix.heading"))
    st.markdown(t("gguf.imatrix.body", every=study.IMATRIX_HOT_EVERY,
                  hot=f"{study.IMATRIX_HOT:g}"))
    w = study.synthetic_imatrix(sr.rows.shape[1])
    b = study.imatrix_block(sr.rows, block, w)
    err = b.errors()
    st.markdown(t("gguf.imatrix.block", i=block, qtype=b.qtype, plain_e=f"{err['plain'][0]:.4g}",
                  imat_e=f"{err['imatrix'][0]:.4g}", plain_w=f"{err['plain'][1]:.4g}",
                  imat_w=f"{err['imatrix'][1]:.4g}"))
    it = cached_imatrix(tensor.key, sr.rows)
    st.markdown(t("gguf.imatrix.tensor", qtype=it.qtype, plain=f"{it.plain_db:.2f}",
                  imat=f"{it.imatrix_db:.2f}", plain_w=f"{it.plain_weighted_db:.2f}",
                  imat_w=f"{it.imatrix_weighted_db:.2f}"))
    st.caption(t("gguf.imatrix.ignored"))


def families(results: list[study.TypeResult]) -> None:
    st.subheader(t("gguf.families.heading"))
    tq = next(r for r in results if r.qtype == "TQ2_0")
    st.markdown(t("gguf.families.body", tq=f"{tq.sqnr_db:.2f}"))


def render() -> None:
    """The whole GGUF page."""
    theme = shell.page_start("gguf")
    tensor = controls.tensor_source()
    digest, filename, file, orig_data, orig_name = gguf_file()
    if file is not None:
        picked = file_tensor(digest, filename, file)
        tensor = picked if picked is not None else tensor
    preset()
    st.caption(tensor.label)
    try:
        sr = study.study_rows(tensor.x)
    except ValueError as err:
        st.error(t("gguf.refused", reason=plain(str(err))))
        shell.page_end()
        return
    st.caption(t("gguf.rows", used=f"{sr.used:,}", total=f"{sr.total:,}",
                 rows=f"{sr.rows.shape[0]:,}", n=f"{sr.rows.shape[1]:,}",
                 blocks=f"{sr.n_blocks:,}"))
    if sr.reshaped:
        st.caption(t("gguf.rows.reshaped"))
    if sr.capped:
        st.caption(t("gguf.rows.capped", used=f"{sr.used:,}"))
    results = types(tensor, sr)
    frontier(tensor, results, theme)
    block, sub = inspector(sr, theme)
    search(tensor, sr, block, sub, theme)
    not_kmeans()
    importance(tensor, sr, block)
    families(results)
    if file is not None:
        file_section(digest, filename, file, orig_data, orig_name)
    shell.page_end()
