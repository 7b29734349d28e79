"""The Outliers page under Streamlit's AppTest: numbers from the core, presets, links, Chinese."""

from __future__ import annotations

import numpy as np
import pytest

from quantviz.studies import outliers as o
from tests.helpers import charts, charts_by_title, en, markdown, metric, zh


@pytest.fixture
def page(run_page):
    return lambda **query: run_page("outliers", query)


def db(v: float) -> str:
    return f"{v:.2f} dB"


def test_default_run_shows_what_the_core_computes(page):
    at = page()
    lay = o.make_layer()
    point = o.smooth_point(lay, 0.5)
    assert metric(at, "SQNR of X / s") == db(point.sqnr_x)
    assert metric(at, "SQNR of s·W") == db(point.sqnr_w)
    rot = o.rotate(lay, "hadamard")
    assert metric(at, "Kurtosis of X → X R") == (
        f"{rot.kurtosis_before:.1f} → {rot.kurtosis_after:.2f}")
    mixed = o.mixed_precision(lay)
    assert metric(at, "Channels kept in float16") == f"{len(mixed.kept)} / 256"
    assert metric(at, "SQNR of Y, mixed") == db(mixed.sqnr_y)
    rows = at.table[0].value.to_dict("records")
    core = o.granularity_rows(lay)
    assert [r["SQNR of Y (dB)"] for r in rows] == [f"{r.sqnr_y:.2f}" for r in core]
    assert [r["Integer matmul?"] for r in rows] == ["yes", "yes", "no"]
    text = markdown(at)
    assert "arXiv 2211.10438" in text and "arXiv 2208.07339" in text
    assert "QuaRot (Ashkboos et al., 2024)" in text and "QuIP# (Tseng et al., 2024)" in text
    assert "channels " + ", ".join(map(str, lay.outlier_channels)) + " are 100× larger" in text
    assert set(charts_by_title(at)) == {"max |x| of each channel of X", "SQNR against alpha",
                                        "Values of X before and after the rotation (log count)"}
    assert len(at.latex) == 4
    assert at.query_params == {}


def test_the_alpha_curve_holds_the_core_curve(page):
    at = page()
    spec = charts_by_title(at)["SQNR against alpha"]
    curve = o.smooth_curve(o.make_layer())
    assert [tr["name"] for tr in spec["data"]] == ["X / s", "s·W", "Y"]
    np.testing.assert_allclose(spec["data"][2]["y"], [p.sqnr_y for p in curve])
    assert spec["layout"]["shapes"][0]["x0"] == 0.5


def test_controls_from_the_link(page):
    at = page(ol_count=1, ol_mag=50, ol_channels=96, ol_alpha=0.8, ol_thr=10, ol_x="token",
              seed=3)
    lay = o.make_layer(512, 96, 256, 1, 50.0, 3)
    assert metric(at, "SQNR of Y") == db(o.smooth_point(lay, 0.8, "token").sqnr_y)
    # 96 is not a power of two: the page says so and rotates randomly instead
    assert any("96 is not one" in i.value for i in at.info)
    rot = o.rotate(lay, "random", "token", seed=3)
    assert metric(at, "SQNR of X → X R") == (
        f"{rot.sqnr_x_before:.2f} → {rot.sqnr_x_after:.2f} dB")
    mixed = o.mixed_precision(lay, 10.0)
    assert metric(at, "SQNR of Y, mixed") == db(mixed.sqnr_y)
    assert at.query_params["ol_alpha"] == "0.8"


def test_the_per_token_sentence_gives_the_core_numbers(page):
    at = page()
    lay = o.make_layer()
    sqnr = {r.kind: r.sqnr_y for r in o.granularity_rows(lay)}
    share = o.token_max_in(lay.x, lay.outlier_channels)
    assert share == 1.0  # 100x channels set every token's max on the default layer
    assert en("outliers.granularity.why", gain=f"{sqnr['token'] - sqnr['tensor']:.2f}",
              share="100%") in markdown(at)


def test_no_outliers_preset_and_no_channel_kept(page):
    at = page()
    at.button(key="ol_preset_none").click().run()
    assert "sets that token" not in markdown(at)  # no per-token claim without such channels
    lay = o.make_layer(outliers=0)
    assert "no channel reaches" in markdown(at).lower()
    assert metric(at, "Channels kept in float16") == "0 / 256"
    assert at.query_params["ol_count"] == "0"
    assert metric(at, "SQNR of Y, all int8 per token") == db(
        o.mixed_precision(lay).sqnr_y_int8)


def test_llm_int8_preset(page):
    at = page()
    at.button(key="ol_preset_llm_int8").click().run()
    lay = o.make_layer(outliers=6, magnitude=20.0)
    m = o.mixed_precision(lay)
    assert metric(at, "SQNR of Y, mixed") == db(m.sqnr_y)
    assert en("outliers.mixed.say", n=len(m.kept), channels=256, share=f"{m.share_kept:.1%}",
              kept=", ".join(map(str, m.kept)), int8=f"{m.sqnr_y_int8:.2f}",
              mixed=f"{m.sqnr_y:.2f}") in markdown(at)


def test_chinese(page):
    at = page(lang="zh")
    assert at.title[0].value == zh("outliers.title")
    assert metric(at, zh("outliers.m.sqnr_y")) == db(o.smooth_point(o.make_layer(), 0.5).sqnr_y)
    assert "arXiv 2211.10438" in markdown(at)
    assert zh("outliers.fig.alpha") in charts_by_title(at)


def test_the_fold_notes_are_in_the_page_s_language(page):
    # The notes under the two fold formulas were English text inside the LaTeX: now captions.
    at = page(lang="zh")
    assert not [x.value for x in at.latex if r"\text" in x.value]
    text = "\n".join(c.value for c in at.caption)
    assert zh("outliers.fold.token") in text and zh("outliers.fold.channel") in text


def test_a_rerun_builds_no_figure_and_a_new_alpha_only_its_own(page, monkeypatch):
    # figures come from the figure cache, keyed by every argument: an unchanged rerun builds
    # none, a new alpha rebuilds the two charts that show it and no other
    from quantviz import present

    built: list[str] = []
    for name in ("channel_errors", "alpha_curve", "histogram_pair"):
        real = getattr(present, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            built.append(_name)
            return _real(*args, **kwargs)

        counting.__qualname__ = real.__qualname__  # the cache keys on the builder's name
        monkeypatch.setattr(present, name, counting)
    at = page(ol_alpha=0.3)
    assert sorted(built) == ["alpha_curve", "channel_errors", "channel_errors", "histogram_pair"]
    built.clear()
    at.run()
    assert built == []
    at.slider(key="ol_alpha").set_value(0.35).run()
    assert sorted(built) == ["alpha_curve", "channel_errors"]  # the curve's mark, X / s
    assert len(charts(at)) == 4  # and the page still draws all four
