"""The GGUF page under Streamlit's AppTest: defaults in English and Chinese, an uploaded .gguf
made by write_gguf (a markdown-laden tensor name shown as text), a hostile .gguf refused with
a sentence. Expected numbers come from quantviz.studies.gguf."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from quantviz import gguf
from quantviz.distributions import sample
from quantviz.gguf_file import write_gguf
from quantviz.studies import gguf as study
from quantviz.ui.i18n import plain
from tests.helpers import captions, en, markdown, ok, rendered, upload, zh

N = 1000
NASTY = "**bold** [link](http://example.com) :red[x]"


@pytest.fixture
def page(run_page):
    return lambda **query: run_page("gguf", query)


def _types_table(at):
    frame = at.table[0].value
    return dict(zip(frame[en("gguf.col.type")], frame[en("gguf.col.sqnr")], strict=True))


def test_default_run_in_english(page):
    at = page()
    assert at.title[0].value == en("gguf.title")
    rows = study.study_rows(sample("normal", 100_000, 0)).rows
    got = _types_table(at)
    assert list(got) == list(gguf.QTYPES)
    for qtype in ("Q4_0", "Q4_K", "IQ4_XS", "TQ2_0"):
        assert got[qtype] == pytest.approx(round(study.type_result(rows, qtype).sqnr_db, 2))
    gain = study.search_gain(rows)
    assert f"The search buys {gain.gain_db:.2f} dB." in markdown(at)
    assert "not k-means" in " ".join(s.value for s in at.subheader).lower()
    assert en("gguf.file.builtin") in captions(at)
    files = at.table[-1].value  # the built-in file, one row per tensor, errors included
    assert len(files) == len(study.builtin_plan())
    types = dict(zip(files[en("gguf.col.name")], files[en("gguf.col.type")], strict=True))
    assert types["output.weight"] == "Q6_K" and types["blk.0.attn_q.weight"] == "Q4_K"
    assert at.query_params == {}


def test_defaults_in_chinese(page):
    at = page(lang="zh", n=N)
    assert at.title[0].value == zh("gguf.title")
    assert zh("gguf.kmeans.heading") in [s.value for s in at.subheader]
    assert list(at.table[0].value[zh("gguf.col.type")]) == list(gguf.QTYPES)


def test_an_uploaded_gguf_with_a_markdown_name_is_read_and_studied(page):
    at = page(n=N)
    x = (np.random.default_rng(3).standard_normal((4, 256)) * 0.02).astype(np.float32)
    data = write_gguf({NASTY: ("Q8_0", gguf.quantize(x, "Q8_0"), x.shape),
                       "blk.0.ffn_down.weight": ("Q4_K", gguf.quantize(x, "Q4_K"), x.shape)})
    upload(at, "nasty [x].gguf", data)
    ok(at)
    files = at.table[-1].value
    assert list(files[en("gguf.col.name")]) == [NASTY, "blk.0.ffn_down.weight"]  # as text
    assert list(files[en("gguf.col.bpw")]) == [8.5, 4.5]
    assert en("gguf.file.no_orig") in captions(at)
    assert plain("nasty [x].gguf") in markdown(at)
    at.toggle(key="gfile").set_value(True).run()
    ok(at)
    x_hat = gguf.dequantize(gguf.quantize(x, "Q8_0"), "Q8_0", x.shape)
    label = en("gguf.file.label", name=plain(NASTY), file=plain("nasty [x].gguf"),
               qtype="Q8_0", n="1,024")
    assert label in captions(at)
    got = _types_table(at)
    assert got["Q4_K"] == pytest.approx(round(study.type_result(x_hat, "Q4_K").sqnr_db, 2))
    assert "**bold**" not in markdown(at) and "[link](" not in captions(at)


def test_a_file_of_many_tensors_lists_and_compares_the_first_ones_and_says_so(page):
    import json

    from quantviz.metrics import error_summary
    from quantviz.ui import gguf as gguf_ui

    # 2,001 one-block Q4_0 tensors, each with its original of 32 values under the same name:
    # the table lists 2,000 (a row each costs; any tensor can still be picked) and the first
    # 1,000 are compared (each comparison costs, however small)
    n = gguf_ui.FILE_MAX_ROWS + 1
    assert (gguf_ui.FILE_MAX_ROWS, gguf_ui.ERROR_MAX_TENSORS) == (2_000, 1_000)
    x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(1, 32)
    block = gguf.quantize(x, "Q4_0")
    data = write_gguf({f"blk.{i}": ("Q4_0", block, (1, 32)) for i in range(n)})
    header = json.dumps({f"blk.{i}": {"dtype": "F32", "shape": [1, 32],
                                      "data_offsets": [128 * i, 128 * i + 128]}
                         for i in range(n)}).encode()
    header += b" " * (-len(header) % 8)
    orig = struct.pack("<Q", len(header)) + header + x.tobytes() * n
    at = page(n=N)
    for uploader, name, content in ((1, "many.gguf", data), (2, "orig.safetensors", orig)):
        [u for u in at.get("file_uploader") if u.proto.id.endswith(
            ("gguf_upload", "gguf_orig")[uploader - 1])][0].set_value(
                (name, content, "application/octet-stream"))
    at.run()
    ok(at)
    files = at.table[-1].value
    assert len(files) == 2_000
    assert en("gguf.file.rows_capped", shown="2,000", n="2,001") in captions(at)
    sqnr = round(error_summary(x, gguf.dequantize(block, "Q4_0", (1, 32))).sqnr_db, 2)
    errors, notes = list(files[en("gguf.col.error")]), list(files[en("gguf.col.note")])
    assert errors[:1000] == [sqnr] * 1000 and notes[:1000] == [""] * 1000
    assert notes[1000:] == [en("gguf.note.count", n="1,000")] * 1000


def test_a_hostile_gguf_is_refused_with_a_sentence(page):
    at = page(n=N)
    hostile = b"GGUF" + struct.pack("<IQQ", 3, 10**12, 0)
    upload(at, "evil.gguf", hostile)
    errors = [rendered(e.value) for e in at.error]
    assert any(e.startswith(en("gguf.file.refused", reason="")) and "tensors, above the limit"
               in e for e in errors), errors
    assert _types_table(at)  # the page goes on with the sidebar's tensor
