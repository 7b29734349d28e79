"""The Checkpoint page under Streamlit's AppTest: the built-in synthetic checkpoint, an
uploaded file, the filter, the links to Explore and Per-channel, refusals, Chinese."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from safetensors.numpy import save as save_safetensors

from quantviz.quantize import QuantConfig
from quantviz.studies import checkpoint as ck
from quantviz.ui.i18n import plain
from tests.helpers import captions, en, markdown, metric, ok, upload, zh

UINT8 = QuantConfig(8, "asymmetric")
INT8 = QuantConfig(8, "symmetric", signed=True)


@pytest.fixture(scope="module")
def synthetic():
    return ck.report(ck.synthetic_llm_entries(), UINT8, fmt="nf4")


def table(at, i: int = 1) -> list[dict]:
    """Table 0 is the totals (a table that scales), 1 the per-tensor grid (a dataframe)."""
    element = at.table[0] if i == 0 else at.dataframe[0]
    return element.value.to_dict("records")


def column_label(at, column: str) -> str:
    """The label the per-tensor grid's column config gives ``column``."""
    return json.loads(at.dataframe[0].proto.columns)[column]["label"]


def test_builtin_synthetic_checkpoint(run_page, synthetic):
    at = run_page("checkpoint")
    assert "**Synthetic** checkpoint" in markdown(at)
    assert metric(at, "Tensors") == f"{len(synthetic.rows)}"
    assert metric(at, "Parameters") == f"{synthetic.n_params:,}"
    rows = table(at)
    worst = synthetic.worst(len(synthetic.rows))
    assert [r["name"] for r in rows] == [w.name for w in worst]  # worst first
    first = rows[0]
    assert first["tensor"] == pytest.approx(worst[0].sqnr_tensor)
    assert first["channel"] == pytest.approx(worst[0].sqnr_channel)
    assert len(first["hist"]) == ck.HIST_BINS
    norm = next(r for r in rows if r["name"] == "model.norm.weight")
    assert np.isnan(norm["channel"]) and not isinstance(norm["per_channel"], str)  # 1-D
    totals = table(at, 0)
    assert [t["SQNR of all tensors (dB)"] for t in totals] == [
        f"{s.sqnr_db:.2f}" for s in synthetic.totals()]
    # both ways: energy-weighted (as above) and each tensor once
    assert [t["mean of per-tensor SQNR (dB)"] for t in totals] == [
        f"{s.mean_db:.2f}" for s in synthetic.totals()]
    for w in synthetic.worst(3):
        assert f"**{plain(w.name)}** {list(w.shape)}: {w.sqnr_tensor:.2f} dB per tensor → " \
               f"{w.sqnr_channel:.2f} dB per channel" in markdown(at)
    low = synthetic.below_median()
    median = np.median([r.sqnr_tensor for r in synthetic.rows])
    assert en("checkpoint.few", k=len(low), n=39, margin="6.02",
              median=f"{median:.2f}") in markdown(at)
    assert at.query_params == {}


def test_rows_link_to_explore_and_per_channel_with_the_scheme(run_page):
    at = run_page("checkpoint", {"bits": 6, "scheme": "symmetric", "signed": 1})
    row = table(at)[0]
    link = urlsplit(row["explore"])
    assert link.path == "explore"
    assert parse_qs(link.query) == {"src": ["ckpt"], "ckpt": ["synthetic_llm"],
                                    "ckpt_t": [row["name"]], "bits": ["6"],
                                    "scheme": ["symmetric"], "signed": ["1"]}
    pc = urlsplit(row["per_channel"])
    assert pc.path == "per_channel" and parse_qs(pc.query)["pc_src"] == ["ckpt"]
    # the link opens that tensor there, with the same numbers as the report's row
    query = {k: v[0] for k, v in parse_qs(pc.query).items()}
    page = run_page("per_channel", query)
    assert metric(page, "SQNR per tensor") == f"{row['tensor']:.2f} dB"
    assert metric(page, "SQNR per channel") == f"{row['channel']:.2f} dB"
    explore = run_page("explore", {k: v[0] for k, v in parse_qs(link.query).items()})
    assert f"Tensor: {row['name']} from the" in captions(explore)


def test_filter_by_name(run_page):
    at = run_page("checkpoint", {"ck_filter": "DOWN_proj"})
    names = [r["name"] for r in table(at)]
    assert len(names) == ck.LLM_LAYERS and all("down_proj" in n for n in names)
    assert en("checkpoint.filtered", shown=4, n=39, text=plain("DOWN_proj")) in captions(at)


def test_an_uploaded_checkpoint(app_test):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((16, 128)).astype(np.float32)
    w[2, 7] = 30.0
    tensors = {"fc.weight": w, "fc.bias": rng.standard_normal(16).astype(np.float32),
               "emb": rng.standard_normal((32, 64)).astype(np.float16),
               "broken": np.array([np.nan, 1.0], np.float32)}
    data = save_safetensors(tensors)
    at = app_test("checkpoint", {"ck_src": "upload"})
    at.run()
    ok(at)
    assert en("checkpoint.upload_none") in [i.value for i in at.info]
    upload(at, "tiny.safetensors", data)
    ok(at)
    rep = ck.report(ck.file_entries("tiny.safetensors", data), UINT8)
    rows = table(at)
    assert rows[0]["name"] == "fc.weight" == rep.worst(1)[0].name
    assert rows[0]["tensor"] == pytest.approx(rep.worst(1)[0].sqnr_tensor)
    assert "explore" not in rows[0]  # an upload cannot be opened by a link
    assert en("checkpoint.links_upload") in captions(at)
    assert any("broken" in w.value and "NaN" in w.value for w in at.warning)
    assert metric(at, "Bytes as stored") == f"{16 * 128 * 4 + 16 * 4 + 32 * 64 * 2:,}"
    # one of three tensors a bit below the median: a few tensors, named as the worst
    assert "**A few tensors dominate:** 1 of 3 tensors" in markdown(at)
    bias = next(r for r in rep.rows if r.name == "fc.bias")
    assert f"**{plain('fc.bias')}** [16]: {bias.sqnr_tensor:.2f} dB per tensor; one dimension" in \
        markdown(at)


def test_a_file_of_more_tensors_than_measured_says_so_and_updates_its_bar_sparingly(
        app_test, monkeypatch):
    # 2,001 one-value tensors: the report measures the first 2,000 (a real checkpoint has
    # hundreds; each tensor costs about a third of a millisecond, however small)
    n = ck.MAX_TENSORS + 1
    assert ck.MAX_TENSORS == 2_000
    data = save_safetensors({f"w{i}": np.full(1, i, np.float32) for i in range(n)})
    updates, emptied = [], []

    class Bar:
        def progress(self, *args, **kwargs):
            updates.append(args)

        def empty(self):
            emptied.append(len(updates))

    import streamlit as st

    monkeypatch.setattr(st, "progress", lambda *args, **kwargs: Bar())
    at = app_test("checkpoint", {"ck_src": "upload"})
    at.run()
    upload(at, "many.safetensors", data)
    ok(at)
    assert en("checkpoint.first_tensors", shown="2,000", n="2,001") in markdown(at)
    assert metric(at, en("checkpoint.m.tensors")) == "2,000"
    assert len(table(at)) == 2_000
    # a bar update per percent (and per tenth of a second within one), not one per tensor
    assert 100 <= len(updates) <= 160, len(updates)
    assert emptied and emptied[-1] == len(updates)  # and the bar is taken away at the end


def test_a_refused_upload_says_why(app_test):
    at = app_test("checkpoint", {"ck_src": "upload"})
    at.run()
    upload(at, "model.pt", b"\x80\x02}q\x00.")
    assert at.error and "pickle" in at.error[0].value.lower()
    assert not at.dataframe and not at.table


def test_chinese(run_page):
    at = run_page("checkpoint", {"lang": "zh"})
    assert at.title[0].value == zh("checkpoint.title")
    assert "**合成**检查点" in markdown(at)
    assert metric(at, zh("checkpoint.m.tensors")) == "39"


def test_a_link_naming_no_tensor_of_the_checkpoint_opens_the_first(run_page):
    at = run_page("explore", {"src": "ckpt", "ckpt_t": "no.such.tensor"})
    assert "Tensor: model.embed_tokens.weight from the" in captions(at)
    pc = run_page("per_channel", {"pc_src": "ckpt", "ckpt_t": "model.norm.weight"})
    # a 1-D tensor named by the link is shown, and the page explains it has no channels
    assert any("one dimension" in i.value for i in pc.info)


def test_the_format_column_and_its_storage(run_page, synthetic):
    # the default format is NF4: its column, its line in the totals, its worst tensors
    at = run_page("checkpoint")
    rows = {r["name"]: r for r in table(at)}
    for r in synthetic.rows:
        assert rows[r.name]["format"] == pytest.approx(r.sqnr_format)
    totals = table(at, 0)
    assert totals[-1]["Scales"] == "NF4 (its own scales)"
    # every tensor of the synthetic checkpoint has a last axis a multiple of 64: 4 + 32/64
    assert totals[-1]["bits per value"] == "4.500"
    assert totals[-1]["Bytes (codes + parameters)"] == f"{synthetic.n_params * 9 // 16:,}"
    for w in synthetic.worst_in_format(3):
        # beside NF4: integer groups at NF4's own 4 bits, not at the page's 8
        assert f"**{plain(w.name)}** {list(w.shape)}: {w.sqnr_format:.2f} dB in the format, " \
               f"against {w.sqnr_fmt_group:.2f} dB in integer groups of 128 at 4 bits" in \
               markdown(at)
        assert f"{w.sqnr_group:.2f} dB in integer groups" not in markdown(at)
    assert en("checkpoint.fmt_worst", k=3, fmt="NF4", fmt_bits=4, bits=8) in markdown(at)


def test_another_format_from_the_link(run_page):
    at = run_page("checkpoint", {"ck_fmt": "mxfp4", "ck_filter": "down_proj"})
    assert at.selectbox(key="ck_fmt").value == "mxfp4"
    rep = ck.report([e for e in ck.synthetic_llm_entries() if "down_proj" in e.name], UINT8,
                    fmt="mxfp4")
    rows = {r["name"]: r["format"] for r in table(at)}
    for r in rep.rows:
        assert rows[r.name] == pytest.approx(r.sqnr_format)
    totals = table(at, 0)
    assert totals[-1]["Scales"] == "MXFP4 (its own scales)"
    assert totals[-1]["bits per value"] == "4.250"  # 4 + 8 / 32, E8M0 scales
    assert column_label(at, "format") == "SQNR in MXFP4"
    zh_at = run_page("checkpoint", {"ck_fmt": "fp8_e4m3", "lang": "zh"})
    assert column_label(zh_at, "format") == "FP8 E4M3 的 SQNR"
    assert zh("checkpoint.fmt_worst", k=3, fmt="FP8 E4M3", fmt_bits=8, bits=8) in markdown(
        zh_at)


def test_a_filter_from_a_link_is_shown_as_text_not_markdown(run_page):
    # the shared link of the issue: an outside image, a fake link, a colour notice
    hostile = ("![x](http://host/p.png) [Session expired](http://evil) "
               ":red-background[Account locked] www.evil.com a@b.c")
    at = run_page("checkpoint", {"ck_filter": hostile})
    shown = [c for c in captions(at).split("\n") if "Session expired" in c]
    assert shown == [en("checkpoint.filtered", shown=0, n=39, text=plain(hostile))]
    for mark in ("](", "![", ":red-background[", "http://", "www.", "a@b"):
        assert mark not in shown[0], mark


def test_presentation_mode_shows_the_grid_as_a_table_that_scales(run_page, synthetic):
    # st.dataframe draws on a canvas whose font does not follow presentation mode: there the
    # grid is a shell.table (HTML, enlarged by the style sheet), worst rows first
    at = run_page("checkpoint", {"present": "1"})
    ok(at)
    assert not at.dataframe
    assert len(at.table) == 2  # the totals, then the grid
    rows = at.table[1].value.to_dict("records")
    worst = synthetic.worst(len(synthetic.rows))
    k = min(len(worst), 20)
    assert [r[en("checkpoint.col.name")] for r in rows] == [w.name for w in worst[:k]]
    assert set(rows[0]) == {en(c) for c in (
        "checkpoint.col.name", "checkpoint.col.sqnr_tensor", "checkpoint.col.sqnr_channel",
        "checkpoint.col.sqnr_group", "checkpoint.col.shape", "checkpoint.col.kurtosis",
        "checkpoint.col.reach")} | {en("checkpoint.col.sqnr_format", fmt="NF4")}
    assert rows[0][en("checkpoint.col.sqnr_tensor")] == pytest.approx(worst[0].sqnr_tensor)
    if len(worst) > k:
        assert en("checkpoint.presented", k=k, n=len(worst)) in captions(at)


def test_presented_names_from_a_file_are_plain_text(app_test):
    # a tensor name with Markdown in it is shown as written: its cell is plain() of it
    from tests.ui.test_outside_text import _shown

    name = "**bold**.[x](http://e.invalid)"
    data = save_safetensors({name: np.linspace(-1, 1, 64, dtype=np.float32).reshape(8, 8)})
    at = app_test("checkpoint", {"present": "1", "ck_src": "upload"})
    at.run()
    upload(at, "t.safetensors", data)
    ok(at)
    shown = _shown(at.table[1]).to_dict("records")[0][en("checkpoint.col.name")]
    assert shown == plain(name) != name
