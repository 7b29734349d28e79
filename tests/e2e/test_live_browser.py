"""The live figure in real Chromium: its JavaScript arithmetic equals the core's, an arrow key
on its Bits input redraws at once and then shows the server's numbers, a file name with HTML
and Markdown is shown as text, and presentation mode at 390 px is large and does not scroll
sideways. Screenshots go to artifacts/screenshots/live-*.png."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest

from quantviz.quantize import QuantConfig, compute_qparams, quantize
from tests.e2e.browser import ROOT, assert_clean, slider, wait_until

JS = (ROOT / "quantviz" / "ui" / "live" / "live_figure.js").read_text(encoding="utf-8")

#: The file itself, imported into the page as a module, run on every case.
RUN_JS = """
async ([src, cases]) => {
  const url = URL.createObjectURL(new Blob([src], {type: 'text/javascript'}));
  const m = await import(url);
  return cases.map((c) => {
    const p = m.qparams(c.lo, c.hi, c.cfg);
    return {scale: p.scale, zero_point: p.zero_point, qmin: p.qmin, qmax: p.qmax,
            q: c.x.map((v) => m.quantize(v, p)), x_hat: c.x.map((v) => m.dequantize(
              m.quantize(v, p), p))};
  });
}
"""

#: (x_min, x_max, config): ordinary ranges, ties, the symmetric half step, degenerate ranges.
GOLDEN = [
    (-4.46, 4.04, QuantConfig(8)),
    (0.0, 1.0, QuantConfig(8)),
    (-1.0, 1.0, QuantConfig(8, "symmetric", signed=True)),
    (-1.0, 1.0, QuantConfig(8, "symmetric", signed=True, narrow_range=True)),
    (-0.3, 2.7, QuantConfig(8, "symmetric", signed=False)),
    (1.0, 3.0, QuantConfig(4)),                      # all positive: widened to include 0
    (-3.0, -1.0, QuantConfig(5, signed=True)),       # all negative
    (0.0, 0.0, QuantConfig(8)),                      # all zeros: scale = eps
    (2.5, 2.5, QuantConfig(3)),                      # a constant
    (-1e-30, 1e-30, QuantConfig(8, "symmetric", signed=True)),  # below eps * levels
    (-1e30, 3e30, QuantConfig(16)),
    (-6.0, 6.0, QuantConfig(2, signed=True)),
    (-0.1, 6.0, QuantConfig(16, "symmetric", signed=True)),
    (-2.0, 2.0, QuantConfig(8, signed=True, reduce_range=True)),
    (0.0, 6.0, QuantConfig(8, "symmetric", signed=True)),  # ReLU under signed symmetric
]


def config_json(cfg: QuantConfig) -> dict:
    return {"bits": cfg.bits, "scheme": cfg.scheme, "signed": cfg.signed,
            "narrow_range": cfg.narrow_range, "reduce_range": cfg.reduce_range}


def probe_values(lo: float, hi: float, cfg: QuantConfig) -> np.ndarray:
    """A staircase's x axis, the ties (k + 1/2) * scale, the grid's ends and their neighbours."""
    qp = compute_qparams(lo, hi, cfg)
    s = np.float32(qp.scale)
    span = max(hi - lo, 4 * float(s))
    axis = np.linspace(lo - 0.1 * span, hi + 0.1 * span, 301, dtype=np.float32)
    k = np.arange(-8, 8, dtype=np.float32)
    ties = np.concatenate([(k + np.float32(0.5)) * s, (k + np.float32(0.5)) * s
                           + np.float32(qp.x_lo), (np.float32(qp.qmax - qp.zero_point) - k
                                                   - np.float32(0.5)) * s])
    ends = np.array([qp.x_lo, qp.x_hi, lo, hi, 0.0], dtype=np.float32)
    near = np.concatenate([np.nextafter(ends, np.float32(np.inf)),
                           np.nextafter(ends, np.float32(-np.inf))])
    x = np.concatenate([axis, ties, ends, near]).astype(np.float32)
    return x[np.isfinite(x)]


def test_the_preview_arithmetic_is_the_cores(open_app):
    pg = open_app("explore?n=1000")
    cases, expected = [], []
    for lo, hi, cfg in GOLDEN:
        x = probe_values(lo, hi, cfg)
        qp = compute_qparams(lo, hi, cfg)
        cases.append({"lo": lo, "hi": hi, "cfg": config_json(cfg),
                      "x": [float(v) for v in x]})
        expected.append((qp, x))
    got = pg.evaluate(RUN_JS, [JS, cases])
    ties = 0
    for (qp, x), g, (lo, hi, cfg) in zip(expected, got, GOLDEN, strict=True):
        where = f"[{lo}, {hi}] {cfg}"
        assert g["scale"] == float(qp.scale), where
        assert g["zero_point"] == int(qp.zero_point), where
        assert (g["qmin"], g["qmax"]) == (qp.qmin, qp.qmax), where
        q = quantize(x, qp)
        assert g["q"] == q.tolist(), where
        assert np.array_equal(np.array(g["x_hat"], dtype=np.float32),
                              (q.astype(np.float32) - np.float32(qp.zero_point))
                              * np.float32(qp.scale)), where
        scaled = x.astype(np.float32) * (np.float32(1) / np.float32(qp.scale))
        ties += int(np.count_nonzero(scaled - np.floor(scaled) == 0.5))
    assert ties > 20  # exact half steps were among the probes: round half to even was tested


def test_the_browser_derives_the_edges_python_checked(open_app):
    # live_figure.js linspaceEdges and studies.live.browser_edges: the same bits, on ranges
    # from tiny to huge, one-sided, constant-widened and the narrowest float32 allows
    from quantviz.studies.live import browser_edges
    pg = open_app("explore?n=1000")
    ends = [(-4.46, 4.04, 4096), (0.0, 1.0, 4096), (2.5, 3.5, 4096), (1e-30, 3e-30, 4096),
            (-1e30, 3e30, 4096), (1.0, 1.0 + 50 * 2.0**-23, 4096), (-3.0, -1.0, 7),
            (0.1, 0.7, 1)]
    ends = [(float(np.float32(a)), float(np.float32(b)), n) for a, b, n in ends]
    got = pg.evaluate("""async ([src, ends]) => {
      const m = await import(URL.createObjectURL(new Blob([src], {type: 'text/javascript'})));
      return ends.map(([a, b, n]) => Array.from(m.linspaceEdges(a, b, n)));
    }""", [JS, ends])
    for (a, b, n), edges in zip(ends, got, strict=True):
        want = browser_edges(a, b, n)
        assert np.array_equal(np.array(edges, np.float32).view(np.uint32),
                              want.view(np.uint32)), (a, b, n)


def test_round_half_to_even_in_the_page(open_app):
    pg = open_app("explore?n=1000")
    got = pg.evaluate("""async (src) => {
      const m = await import(URL.createObjectURL(new Blob([src], {type: 'text/javascript'})));
      return [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4999998, -7.2].map(m.rint);
    }""", JS)
    assert got == np.rint([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4999998, -7.2]).tolist()


def live_data(pg) -> dict:
    return pg.locator(".qv-live").evaluate("e => ({...e.dataset})")


def test_the_mounted_preview_is_the_cores_for_the_pages_range(open_app):
    pg = open_app("explore?n=1000&bits=5&scheme=symmetric&signed=1")
    pg.locator(".qv-live svg path").first.wait_for()
    from quantviz.distributions import sample

    x = sample("normal", 1000, 0)
    qp = compute_qparams(float(x.min()), float(x.max()), QuantConfig(5, "symmetric", True))
    data = live_data(pg)
    assert float(data["previewScale"]) == float(qp.scale)
    assert int(data["previewZeroPoint"]) == int(qp.zero_point)
    assert data["status"] == "exact" and float(data["scale"]) == float(qp.scale)


def test_an_arrow_key_on_its_bits_redraws_then_the_server_answers(open_app):
    pg = open_app("explore?n=1000")
    pg.locator(".qv-live svg path").first.wait_for()
    before = live_data(pg)
    stairs = pg.locator(".qv-live path.stairs").get_attribute("d")
    bits = pg.locator(".qv-live input[type=range]")
    bits.focus()
    pg.keyboard.press("ArrowLeft")
    wait_until(pg, lambda: live_data(pg)["bits"] == "7"
               and int(live_data(pg)["painted"]) > int(before["painted"]), "live-failed")
    assert pg.locator(".qv-live path.stairs").get_attribute("d") != stairs
    wait_until(pg, lambda: live_data(pg)["status"] == "exact" and "bits=7" in pg.url,
               "live-failed")
    pg.wait_idle()
    assert slider(pg, "Bits").get_attribute("value") == "7"
    summary = pg.locator(".qv-live [aria-live=polite]").inner_text()
    assert "7 bits" in summary and "of 128 codes used" in summary
    # the page's own numbers follow: the metrics are the server's for 7 bits
    assert pg.locator("[data-testid=stMetricValue]").filter(has_text="/ 128").count() == 1
    assert pg.evaluate("document.activeElement && document.activeElement.tagName") is not None
    assert_clean(pg)
    pg.shot("live-bits-7")


def test_a_hostile_file_name_is_shown_as_text(open_app):
    name = "w<b>bold<b>**m**[l](u)<img src=x onerror=alert(1)>.npy"
    buffer = io.BytesIO()
    np.save(buffer, np.linspace(-2, 2, 99, dtype=np.float32))
    pg = open_app("explore?src=upload")
    pg.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": buffer.getvalue()})
    pg.wait_idle()
    source = pg.locator(".qv-live .qv-source")
    wait_until(pg, lambda: name in (source.text_content() or ""), "live-failed")
    assert pg.locator(".qv-live .qv-source *").count() == 0  # no <b>, no <img>: text only
    assert_clean(pg)


@pytest.fixture
def phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    pg = context.new_page()
    pg.js_errors = []
    pg.on("pageerror", lambda exc: pg.js_errors.append(str(exc)))
    yield pg
    context.close()


def test_presentation_mode_at_390_px(phone, app_url):
    from tests.e2e.conftest import screenshot, wait_for_app

    phone.goto(f"{app_url}/explore?n=1000&present=1")
    wait_for_app(phone)
    phone.locator(".qv-live svg path").first.wait_for()
    sizes = phone.locator(".qv-live").evaluate("""(root) => {
      const out = [];
      for (const node of root.querySelectorAll('label, legend, dt, dd, p, figcaption, text,'
          + ' select, output, .qv-status, span')) {
        if ((node.textContent || '').trim()) {
          out.push([node.tagName, parseFloat(getComputedStyle(node).fontSize)]);
        }
      }
      return out;
    }""")
    assert sizes and min(size for _, size in sizes) >= 18, sorted(sizes, key=lambda s: s[1])[:5]
    lefts = phone.locator(".qv-live figure").evaluate_all(
        "(figs) => figs.map((f) => Math.round(f.getBoundingClientRect().left))")
    assert len(set(lefts)) == 1  # stacked, one under the other
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.js_errors == []
    screenshot(phone, "live-present-390")


def test_symmetric_preview_changes_on_click(open_app):
    pg = open_app("explore?n=1000")
    pg.locator(".qv-live svg path").first.wait_for()
    pg.locator(".qv-live").get_by_label("Symmetric", exact=True).check()
    wait_until(pg, lambda: "scheme=symmetric" in pg.url and live_data(pg)["status"] == "exact",
               "live-failed")
    pg.wait_idle()
    cfg = replace(QuantConfig(8), scheme="symmetric")
    from quantviz.distributions import sample

    x = sample("normal", 1000, 0)
    qp = compute_qparams(float(x.min()), float(x.max()), cfg)
    assert float(live_data(pg)["scale"]) == float(qp.scale)


def test_its_own_move_is_answered_before_the_page_runs_again(open_app):
    # the fragment's answer: the figure shows the server's numbers for 7 bits while the
    # sidebar still shows 8; then the page follows (the sidebar, the metrics, the URL)
    pg = open_app("explore?n=1000")
    pg.locator(".qv-live svg path").first.wait_for()
    pg.evaluate("""() => {
      const root = [...document.querySelectorAll('*')].map(
        (h) => h.shadowRoot && h.shadowRoot.querySelector('.qv-live')).find(Boolean)
        || document.querySelector('.qv-live');
      window.__sidebarAtExact = null;
      new MutationObserver(() => {
        if (window.__sidebarAtExact === null && root.dataset.status === 'exact'
            && root.dataset.bits === '7') {
          const box = [...document.querySelectorAll(
            '[data-testid=stSidebar] [data-testid=stSlider]')].find(
            (b) => b.textContent.includes('Bits'));
          const s = box && box.querySelector('input[type=range]');
          window.__sidebarAtExact = s ? s.value : 'none';
        }
      }).observe(root, {attributes: true});
    }""")
    pg.locator(".qv-live input[type=range]").focus()
    pg.keyboard.press("ArrowLeft")
    wait_until(pg, lambda: "bits=7" in pg.url, "live-failed")
    pg.wait_idle()
    assert pg.evaluate("window.__sidebarAtExact") == "8"
    assert slider(pg, "Bits").get_attribute("value") == "7"
    assert pg.locator("[data-testid=stMetricValue]").filter(has_text="/ 128").count() == 1
    assert live_data(pg)["status"] == "exact" and live_data(pg)["bits"] == "7"
    assert_clean(pg)


def test_the_bits_step_of_start_answers_its_own_figure(open_app):
    pg = open_app("start?step=bits")
    pg.locator(".qv-live svg path").first.wait_for()
    assert not pg.locator(".qv-live select").is_visible()  # calibration: the next step's
    pg.locator(".qv-live input[type=range]").focus()
    pg.keyboard.press("ArrowLeft")
    wait_until(pg, lambda: live_data(pg)["status"] == "exact" and live_data(pg)["bits"] == "7",
               "live-failed")
    pg.wait_idle()
    summary = pg.locator(".qv-live [aria-live=polite]").inner_text()
    assert "7 bits" in summary and "of 128 codes used" in summary
    assert "bits=" not in pg.url  # the step's figure has keys of its own, not the sidebar's
    assert not pg.locator(".qv-live input[type=checkbox]").is_visible()
    # asymmetric means unsigned codes here, as steps 3 and 5 pair them: Z of the min/max range
    pg.locator(".qv-live").get_by_label("Asymmetric", exact=True).check()
    wait_until(pg, lambda: live_data(pg)["status"] == "exact"
               and live_data(pg)["zeroPoint"] != "0", "live-failed")
    from quantviz.distributions import sample

    x = sample("normal", 10_000, 0)
    qp = compute_qparams(float(x.min()), float(x.max()), QuantConfig(7, "asymmetric"))
    assert live_data(pg)["zeroPoint"] == str(int(qp.zero_point))
    assert float(live_data(pg)["scale"]) == float(qp.scale)
    assert_clean(pg)
    pg.shot("live-start-bits-7")
