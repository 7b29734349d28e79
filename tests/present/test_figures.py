"""What each Explore figure shows (traces, shapes, legends, titles), not its whole JSON."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from quantviz import present
from quantviz.distributions import sample
from quantviz.metrics import Histogram
from quantviz.present import base
from quantviz.quantize import QuantConfig, compute_qparams
from quantviz.studies import views
from tests.helpers import vertical_ticks


def _view(key: str = "normal", n: int = 20_000, cfg: QuantConfig | None = None, **params):
    x = sample(key, n, 0, **params)
    return views.explore_for_range(x, float(x.min()), float(x.max()), cfg or QuantConfig())


def _rects(fig: go.Figure) -> list:
    return [s for s in fig.layout.shapes if s.type == "rect"]


def _vlines(fig: go.Figure) -> list[float]:
    return [s.x0 for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1]


def _values_figure(view, **kw) -> go.Figure:
    return present.value_histogram(view.values, grid=view.grid, x_lo=float(view.qp.x_lo),
                                   x_hi=float(view.qp.x_hi), **kw)


def _staircase_figure(view) -> go.Figure:
    sc, qp = view.staircase, view.qp
    return present.mapping_staircase(sc.x, sc.q, sc.x_hat, x_lo=float(qp.x_lo),
                                     x_hi=float(qp.x_hi), qmin=qp.qmin, qmax=qp.qmax)


def _errors_figure(view) -> go.Figure:
    e = view.errors
    return present.error_histogram(e.rounding, e.clipped, scale=float(view.qp.scale),
                                   uniform_count=e.uniform_count)


def _all_figures(view) -> list[go.Figure]:
    return [_values_figure(view), _staircase_figure(view), present.code_usage(view.summary.usage),
            _errors_figure(view)]


# --- value histogram -----------------------------------------------------------------------

def test_value_histogram_bars_are_the_binned_counts():
    view = _view()
    bars = _values_figure(view).data[0]
    assert bars.type == "bar"
    np.testing.assert_array_equal(bars.y, view.values.counts)
    edges = view.values.edges
    np.testing.assert_allclose(bars.x, (edges[:-1] + edges[1:]) / 2)
    np.testing.assert_allclose(bars.width, np.diff(edges))


def test_value_histogram_thins_a_256_code_grid_and_says_so():
    # 256 representable values, at most 64 lines: every 4th is drawn, and the legend says so
    view = _view()
    grid = _values_figure(view, labels={"grid": "grid"}).data[1]
    assert grid.name == "grid (1 in 4)"
    xs, ys = vertical_ticks(grid)
    np.testing.assert_array_equal(xs, view.grid[::4])  # float32 values, sent as they are
    assert len(set(xs)) == 64
    ymax = view.values.counts.max()
    assert sorted(ys) == [0.0, pytest.approx(1.05 * ymax)]


def test_value_histogram_thinning_note_is_a_label():
    view = _view()
    grid = _values_figure(view, labels={"grid": "网格", "thinned": "（每 {k} 条画 1 条）"}).data[1]
    assert grid.name == "网格 （每 4 条画 1 条）"


def test_value_histogram_draws_every_line_of_a_small_grid():
    view = _view(cfg=QuantConfig(4))
    grid = _values_figure(view, labels={"grid": "grid"}).data[1]
    assert grid.name == "grid"
    np.testing.assert_array_equal(vertical_ticks(grid)[0], view.grid)


def test_value_histogram_shades_where_values_saturate():
    # the data reach 3 but the calibrated range stops at 1; the grid ends at x_hi (dashed), and
    # values more than half a step beyond it saturate: the shading starts at x_hi + scale/2
    x = np.linspace(-1, 3, 4001, dtype=np.float32)
    view = views.explore_for_range(x, -1.0, 1.0, QuantConfig())
    fig = _values_figure(view)
    lo, hi = fig.layout.xaxis.range
    x_lo, x_hi, half = float(view.qp.x_lo), float(view.qp.x_hi), float(view.qp.scale) / 2
    spans = sorted((float(r.x0), float(r.x1)) for r in _rects(fig))
    assert spans == [(pytest.approx(lo), pytest.approx(x_lo - half)),
                     (pytest.approx(x_hi + half), pytest.approx(hi))]
    assert hi - x_hi > 1.9  # the right zone covers the clipped data 1.008..3
    assert sorted(_vlines(fig)) == [pytest.approx(x_lo), pytest.approx(x_hi)]
    assert all(r.yref == "y domain" for r in _rects(fig))
    # what lies in the shaded zones is what the page reports as clipped
    shaded = np.mean((x < x_lo - half) | (x > x_hi + half))
    assert shaded == pytest.approx(view.summary.fraction_clipped, abs=1 / x.size)


def test_value_histogram_shows_named_calibration_ranges():
    view = _view()
    fig = _values_figure(view, ranges={"MinMax": (-4.0, 4.0), "Percentile": (-3.0, 3.0)})
    named = {tr.name: list(tr.x) for tr in fig.data[2:]}
    assert named == {"MinMax": [-4.0, 4.0], "Percentile": [-3.0, 3.0]}
    assert fig.data[2].line.color != fig.data[3].line.color


# --- mapping staircase ----------------------------------------------------------------------

def test_staircase_shows_q_and_x_hat_on_two_axes_with_the_identity():
    # data on [-3, 3], 3-bit grid calibrated on [-1, 1]: both ends saturate
    x = np.linspace(-3, 3, 1001, dtype=np.float32)
    view = views.explore_for_range(x, -1.0, 1.0, QuantConfig(3))
    fig = _staircase_figure(view)
    q, x_hat, identity = fig.data
    sc = view.staircase
    # only the points where a step begins are sent, and they draw the very same lines
    assert len(q.x) == 9 < sc.x.size  # 8 codes: 8 steps and the end of the last
    assert hv_corners(q.x, q.y) == hv_corners(sc.x, sc.q)
    assert hv_corners(x_hat.x, x_hat.y) == hv_corners(sc.x, sc.x_hat)
    assert q.line.shape == "hv" and q.yaxis == "y" and x_hat.yaxis == "y2"
    assert list(identity.x) == list(identity.y)  # the line x_hat = x
    q_lo, q_hi = fig.layout.yaxis.range
    assert q_lo < view.qp.qmin and q_hi > view.qp.qmax
    half = float(view.qp.scale) / 2
    spans = sorted((float(r.x0), float(r.x1)) for r in _rects(fig))
    assert [spans[0][1], spans[1][0]] == [pytest.approx(float(view.qp.x_lo) - half),
                                          pytest.approx(float(view.qp.x_hi) + half)]
    assert len(_vlines(fig)) == 2
    # the staircase is flat exactly in the shaded zones
    sx, sq = np.asarray(q.x), np.asarray(q.y)
    assert set(sq[sx > spans[1][0] + 1e-6]) == {view.qp.qmax}
    assert set(sq[sx < spans[0][1] - 1e-6]) == {view.qp.qmin}
    # the right axis is the left one relabelled: each x_hat sits at the height of its q
    y2_lo, y2_hi = fig.layout.yaxis2.range
    np.testing.assert_allclose((np.asarray(x_hat.y) - y2_lo) / (y2_hi - y2_lo),
                               (np.asarray(q.y) - q_lo) / (q_hi - q_lo), atol=1e-5)


def test_a_long_staircase_stays_one_svg_line_per_trace():
    # SVG draws a line as one path whatever its length; WebGL would cost a context per chart
    # and software rendering where the browser has no GPU
    qp = compute_qparams(-1.0, 1.0, QuantConfig())
    for points in (500, 20_000):
        sc = views.staircase(-1.5, 1.5, qp, points=points)
        fig = present.mapping_staircase(sc.x, sc.q, sc.x_hat, x_lo=-1.0, x_hi=1.0, qmin=0,
                                        qmax=255)
        assert [tr.type for tr in fig.data] == ["scatter"] * 3
        assert all(tr.mode == "lines" for tr in fig.data)
        assert len(fig.data[0].x) <= 257  # a step per code and the end, however many points
        assert hv_corners(fig.data[1].x, fig.data[1].y) == hv_corners(sc.x, sc.x_hat)


def hv_corners(x, y) -> list[tuple[float, float]]:
    """The corners of the line plotly draws through ``(x, y)`` with ``shape="hv"``: from each
    point right to the next one's x, then up or down to its y; straight runs merged."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    path = [(x[0], y[0])]
    for i in range(1, len(x)):
        path += [(x[i], y[i - 1]), (x[i], y[i])]
    corners = [path[0]]
    for k, p in enumerate(path[1:], 1):
        nxt = path[k + 1] if k + 1 < len(path) else None
        if p == corners[-1]:
            continue
        straight = nxt is not None and ((corners[-1][0] == p[0] == nxt[0])
                                        or (corners[-1][1] == p[1] == nxt[1]))
        if not straight:
            corners.append(p)
    return corners


@pytest.mark.parametrize("seed", range(20))
def test_step_corners_draw_the_same_hv_lines(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    x = np.sort(rng.standard_normal(n))
    ys = [np.round(np.cumsum(rng.integers(0, 2, n)) / 2) for _ in range(int(rng.integers(1, 3)))]
    keep = present.step_corners(*ys)
    assert keep[0] == 0 and keep[-1] == n - 1
    for y in ys:
        assert hv_corners(x[keep], y[keep]) == hv_corners(x, y)
    assert list(present.step_corners(np.array([1.0, 1.0, 1.0, 2.0, 2.0]))) == [0, 3, 4]


# --- code usage -----------------------------------------------------------------------------

def test_code_usage_shades_the_negative_codes_relu_cannot_reach():
    # ReLU outputs under signed symmetric int8: codes -128..-1 are unreachable, 0..127 are not
    view = _view("relu", cfg=QuantConfig(8, "symmetric", True))
    usage = view.summary.usage
    assert (usage.reachable_lo, usage.unreachable) == (0, 128)
    fig = present.code_usage(usage, labels={"unreachable": "unreachable"})
    assert [(r.x0, r.x1) for r in _rects(fig)] == [(-128.5, -0.5)]
    assert "unreachable" in [tr.name for tr in fig.data]
    assert usage.used <= 128
    assert fig.layout.title.text.startswith(f"Integer codes used: {usage.used} of 256")


def test_code_usage_without_unreachable_codes_has_no_shading_nor_legend_entry():
    view = _view("uniform")
    fig = present.code_usage(view.summary.usage, labels={"unreachable": "unreachable"})
    assert _rects(fig) == []
    assert "unreachable" not in [tr.name for tr in fig.data]


def test_code_usage_marks_the_reachable_but_empty_codes():
    # bimodal data leave a gap: codes between the modes are reachable yet empty
    view = _view("bimodal", n=5_000, cfg=QuantConfig(6), separation=8.0, std=0.3)
    usage = view.summary.usage
    fig = present.code_usage(usage, labels={"empty": "empty"})
    markers = fig.data[-1]
    codes = np.arange(usage.qmin, usage.qmax + 1)
    empty = codes[(usage.counts == 0) & (codes >= usage.reachable_lo)
                  & (codes <= usage.reachable_hi)]
    assert len(empty) > 10
    assert markers.name == f"empty: {len(empty)}"
    np.testing.assert_array_equal(markers.x, empty)
    assert set(markers.y) == {0}


def test_code_usage_bars_are_the_counts_per_code():
    view = _view(cfg=QuantConfig(4))
    bars = present.code_usage(view.summary.usage).data[0]
    np.testing.assert_array_equal(bars.x, np.arange(0, 16))
    np.testing.assert_array_equal(bars.y, view.summary.usage.counts)


def test_code_usage_of_16_bits_bins_codes_and_keeps_the_total():
    view = _view(cfg=QuantConfig(16, "symmetric", True))
    usage = view.summary.usage
    fig = present.code_usage(usage, labels={"counts": "per code"})
    bars = fig.data[0]
    per_bar = 65536 // present.MAX_CODE_BARS
    assert len(bars.y) == present.MAX_CODE_BARS
    assert bars.name == f"per code ({per_bar} codes per bar)"
    assert sum(bars.y) == usage.counts.sum() == 20_000
    assert len(fig.data[-1].x) <= present.MAX_CODE_BARS  # empty-code markers thinned too
    translated = present.code_usage(usage, labels={"counts": "计数", "per_bar": "（每根 {n}）"})
    assert translated.data[0].name == f"计数 （每根 {per_bar}）"


def test_code_usage_axis_ends_half_a_code_beyond_the_range():
    # 3 bits: codes 0..7; the axis must not reach 8 (a tick for a code that does not exist)
    view = _view(cfg=QuantConfig(3))
    lo, hi = present.code_usage(view.summary.usage).layout.xaxis.range
    assert -1 < lo < -0.5 and 7.5 < hi < 8


# --- error histogram ------------------------------------------------------------------------

def test_error_histogram_shows_the_rounding_band_and_the_uniform_line():
    view = _view("uniform", n=200_000, cfg=QuantConfig(6))
    scale = float(view.qp.scale)
    fig = _errors_figure(view)
    [band] = _rects(fig)
    assert (band.x0, band.x1) == (pytest.approx(-scale / 2), pytest.approx(scale / 2))
    line = fig.data[-1]
    assert list(line.x) == [pytest.approx(-scale / 2), pytest.approx(scale / 2)]
    assert line.y[0] == line.y[1] == pytest.approx(view.errors.uniform_count)
    # data spread evenly over many steps: the bars inside the band stand at the line's height
    rounding = view.errors.rounding
    centres = (rounding.edges[:-1] + rounding.edges[1:]) / 2
    inside = rounding.counts[np.abs(centres) < 0.45 * scale]
    assert inside.mean() == pytest.approx(view.errors.uniform_count, rel=0.05)
    assert rounding.counts[np.abs(centres) > 0.55 * scale].sum() == 0


def test_error_histogram_axis_is_padded_beyond_the_bars():
    view = _view()
    lo, hi = _errors_figure(view).layout.xaxis.range
    edges = view.errors.rounding.edges
    assert lo < edges[0] and hi > edges[-1]


def test_error_histogram_draws_clipped_errors_apart_only_when_there_are_some():
    clean = _errors_figure(_view())
    assert [tr.type for tr in clean.data] == ["bar", "scatter"]
    x = np.linspace(-1, 3, 4001, dtype=np.float32)
    clipped_view = views.explore_for_range(x, -1.0, 1.0, QuantConfig())
    fig = present.error_histogram(clipped_view.errors.rounding, clipped_view.errors.clipped,
                                  scale=float(clipped_view.qp.scale),
                                  uniform_count=clipped_view.errors.uniform_count,
                                  labels={"clipping": "clipped"})
    assert [tr.name for tr in fig.data if tr.type == "bar"][1] == "clipped"
    assert sum(fig.data[1].y) == clipped_view.errors.clipped.counts.sum() > 0
    assert min(fig.data[1].x) < -1.5  # clipping errors reach about 1.004 - 3


# --- all figures ----------------------------------------------------------------------------

def test_labels_become_titles_and_themes_set_sizes():
    view = _view()
    theme = present.Theme.presentation()
    fig = present.error_histogram(view.errors.rounding, view.errors.clipped,
                                  scale=float(view.qp.scale),
                                  uniform_count=view.errors.uniform_count,
                                  labels={"title": "Fehler"}, theme=theme)
    assert fig.layout.title.text == "Fehler"
    assert fig.layout.font.size == theme.font_size > present.DEFAULT_THEME.font_size
    assert fig.layout.height == theme.height
    usage_fig = present.code_usage(view.summary.usage,
                                   labels={"title": "{used}/{levels} {bits:.1f}"})
    usage = view.summary.usage
    assert usage_fig.layout.title.text == f"{usage.used}/256 {usage.effective_bits:.1f}"


def test_every_colour_comes_from_the_colour_blind_safe_palette():
    view = _view("relu", cfg=QuantConfig(8, "symmetric", True))
    allowed = set(present.OKABE_ITO) | {present.GREY}
    for fig in _all_figures(view):
        for tr in fig.data:
            colour = (tr.marker.color if tr.type == "bar" else tr.line.color) or \
                getattr(tr.marker, "color", None)
            assert colour in allowed, (fig.layout.title.text, tr.name, colour)
        for shape in fig.layout.shapes:
            assert (shape.fillcolor or shape.line.color) in allowed


def test_figure_json_stays_flat_from_ten_thousand_to_ten_million_values():
    sizes = {}
    for n in (10_000, 10_000_000):
        view = _view(n=n)
        sizes[n] = [len(fig.to_json()) for fig in _all_figures(view)]
    # 1000 times the values; what may change is the width of the counts (up to 10^7 they take
    # 4 bytes a bin, not 2): about 750 bytes of a 5 kB figure, where raw samples would add MBs
    for small, large in zip(sizes[10_000], sizes[10_000_000], strict=True):
        assert large <= 1.25 * small and small <= 1.25 * large
    assert sum(sizes[10_000_000]) < 300_000


def test_histogram_edges_in_float32_serialise():
    hist = Histogram(np.linspace(-1, 1, 5, dtype=np.float32), np.array([1, 2, 3, 4]))
    fig = present.value_histogram(hist, grid=np.array([-1.0, 0.0, 1.0], np.float32), x_lo=-1.0,
                                  x_hi=1.0)
    assert '"type":"bar"' in fig.to_json().replace(" ", "")


def _spec(fig: go.Figure) -> dict:
    """What the browser receives, read back; an empty shape list is the same as none."""
    import json

    import plotly.io as pio

    spec = json.loads(pio.to_json(fig))
    if spec["layout"].get("shapes") == []:
        del spec["layout"]["shapes"]
    return spec


_VIEWS = {
    "normal": lambda: _view(),
    "relu signed (unreachable codes)": lambda: _view("relu", cfg=QuantConfig(
        bits=8, scheme="symmetric", signed=True)),
    "clipped": lambda: views.explore_for_range(
        sample("outliers", 20_000, 0), -0.5, 0.5, QuantConfig(bits=4)),
    "16 bits": lambda: _view(cfg=QuantConfig(bits=16)),
    "a million values": lambda: _view(n=1_000_000),
}


@pytest.mark.parametrize("case", list(_VIEWS))
def test_figures_built_without_validation_send_what_validated_ones_send(case, monkeypatch):
    view = _VIEWS[case]()
    fast = [_spec(f) for f in _all_figures(view)]
    monkeypatch.setattr(base, "VALIDATE", True)
    checked = [_spec(f) for f in _all_figures(view)]
    assert fast == checked
    # and a property plotly does not know is refused when validating: the switch is live
    with pytest.raises(ValueError):
        base._unvalidated([{"type": "bar", "no_such_property": 1}], {})


def _builders(view) -> list:
    """Each Explore figure's builder, called afresh (a spec takes its dicts over)."""
    return [lambda: _values_figure(view), lambda: _staircase_figure(view),
            lambda: present.code_usage(view.summary.usage), lambda: _errors_figure(view)]


@pytest.mark.parametrize("case", list(_VIEWS))
def test_a_spec_built_without_plotly_objects_sends_what_the_validated_figure_sends(
        case, monkeypatch):
    import json

    import plotly.io as pio

    view = _VIEWS[case]()
    specs = [present.plotly_spec(build) for build in _builders(view)]
    assert all(isinstance(spec, dict) and set(spec) == {"data", "layout"} for spec in specs)
    assert not any(isinstance(spec, go.Figure) for spec in specs)
    monkeypatch.setattr(base, "VALIDATE", True)
    for spec, build in zip(specs, _builders(view), strict=True):
        sent = json.loads(pio.to_json(spec, validate=False))
        checked = json.loads(pio.to_json(build(), validate=True))
        if sent["layout"].get("shapes") == []:  # an empty shape list is the same as none
            del sent["layout"]["shapes"]
        assert sent == checked
        # and arrays travel base64-encoded, as plotly's own to_dict makes them
        assert "bdata" in json.dumps(sent["data"])


def test_a_figure_changed_after_its_builder_is_sent_as_changed():
    view = _view()
    fig = present.share_axes(_errors_figure(view), x=(-1.0, 1.0))
    assert present.figure_spec(fig) == present.share_axes(
        _errors_figure(view), x=(-1.0, 1.0)).to_dict()
    assert present.figure_spec(fig)["layout"]["xaxis"]["range"] == [-1.0, 1.0]
    # a builder's plain dict cannot be changed by share_axes: such a caller builds a go.Figure
    # (cache.figure(..., spec_only=False)) instead of silently sending the unchanged figure
    with pytest.raises(AttributeError):
        present.plotly_spec(lambda: present.share_axes(_errors_figure(view), x=(-1.0, 1.0)))


@pytest.mark.parametrize("case", list(_VIEWS))
def test_a_cached_explore_figure_is_the_dict_plotly_makes(case):
    import plotly.io as pio

    from quantviz.ui.cache import FrozenFigure

    view = _VIEWS[case]()
    for fig, again in zip(_all_figures(view), _all_figures(view), strict=True):
        # what st.plotly_chart sends: pio.to_json of the figure's dict, unvalidated
        assert pio.to_json(FrozenFigure(present.figure_spec(fig)), validate=False) == pio.to_json(
            again, validate=False)
