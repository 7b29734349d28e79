// The live figure (Explore, and Start's bits step): value histogram with the grid, staircase,
// codes used and error histogram, redrawn in the browser while a control moves and confirmed
// by the server when the move ends.
//
// The arithmetic is PyTorch's, in float32 (quantviz/quantize.py: compute_qparams, quantize):
// every operation is rounded with Math.fround (a float64 result of one +, -, *, / of float32
// values, rounded to float32, is the float32 result), the scale is floored at eps = 2^-23,
// the zero point is qmin - rint(min_neg / scale) clamped, and x is multiplied by the float32
// reciprocal of the scale, rounded half to even and clipped.
//
// Python sends one fine histogram of x (float32 edges, exact counts), the controls' values and
// the numbers it computed on the whole tensor. Text from files reaches the page only through
// textContent.

const f = Math.fround;
export const EPS = 2 ** -23;
const SVG = "http://www.w3.org/2000/svg";

/** Round half to even (numpy's rint) of a float. */
export function rint(v) {
  const r = Math.round(v); // half up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The integer range of a config: signed, narrow, unsigned, with reduce_range's bit less. */
export function qrange(cfg) {
  const bits = cfg.bits - (cfg.reduce_range ? 1 : 0);
  let qmin = cfg.signed ? -(2 ** (bits - 1)) : 0;
  const qmax = cfg.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (cfg.narrow_range) qmin += 1;
  return { qmin, qmax };
}

/** compute_qparams in float32: the scale, zero point and integer range of [xMin, xMax]. */
export function qparams(xMin, xMax, cfg) {
  const { qmin, qmax } = qrange(cfg);
  const minNeg = Math.min(f(xMin), 0);
  const maxPos = Math.max(f(xMax), 0);
  let scale;
  let zeroPoint;
  if (cfg.scheme === "symmetric") {
    const amax = Math.max(-minNeg, maxPos);
    scale = Math.max(f(amax / f((qmax - qmin) / 2)), EPS);
    zeroPoint = cfg.signed ? 0 : Math.floor((qmin + qmax) / 2);
  } else {
    scale = Math.max(f(f(maxPos - minNeg) / (qmax - qmin)), EPS);
    zeroPoint = Math.min(Math.max(qmin - rint(f(minNeg / scale)), qmin), qmax);
  }
  return { scale, zero_point: zeroPoint, qmin, qmax, inv: f(1 / scale) };
}

/** round(x * (1/scale)) + zero_point in float32, before clipping. */
export function unclipped(x, p) {
  return f(rint(f(f(x) * p.inv)) + p.zero_point);
}

/** The integer code of x: clip(rint(x * (1/scale)) + zero_point, qmin, qmax). */
export function quantize(x, p) {
  return Math.min(Math.max(unclipped(x, p), p.qmin), p.qmax);
}

/** x_hat = (q - zero_point) * scale in float32. */
export function dequantize(q, p) {
  return f((q - p.zero_point) * p.scale);
}

/** Decode base64 little-endian bytes into a typed array (Float32Array or Uint32Array). */
function decode(text, Type) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new Type(bytes.buffer);
}

/**
 * The histogram's edges from its two ends, as Python's browser_edges computes them:
 * step = f32(f32(last - first) / bins), edges[i] = f32(f32(i * step) + first), the last one
 * `last`. Python sends the edges themselves whenever these would differ from numpy's.
 */
export function linspaceEdges(first, last, bins) {
  const edges = new Float32Array(bins + 1);
  const step = f(f(last - first) / bins);
  for (let i = 0; i < bins; i += 1) edges[i] = f(f(i * step) + first);
  edges[bins] = last;
  return edges;
}

/** What the browser can tell from the histogram alone for one config and range. */
export function preview(hist, lo, hi, cfg) {
  const p = qparams(lo, hi, cfg);
  const levels = p.qmax - p.qmin + 1;
  const codes = new Float64Array(levels);
  const { edges, counts } = hist;
  const bins = counts.length;
  const xLo = dequantize(p.qmin, p);
  const xHi = dequantize(p.qmax, p);
  const errBins = 48;
  const half = 0.6 * p.scale;
  const errors = new Float64Array(errBins);
  let straddle = 0;
  let clipped = 0;
  let sse = 0;
  let power = 0;
  let qa = quantize(edges[0], p);
  for (let i = 0; i < bins; i += 1) {
    const c = counts[i];
    const a = edges[i];
    const b = edges[i + 1];
    const qb = quantize(b, p);
    if (c > 0) {
      power += (c * (a * a + a * b + b * b)) / 3;
      const mid = f((a + b) / 2);
      const u = unclipped(mid, p);
      if (u < p.qmin || u > p.qmax) clipped += c;
      if (qa === qb) { // the whole bin maps to one code: its count is exact
        codes[qa - p.qmin] += c;
        const xh = dequantize(qa, p);
        const da = a - xh;
        const db = b - xh;
        sse += (c * (da * da + da * db + db * db)) / 3;
        spread(errors, xh - b, xh - a, c, -half, half);
      } else { // the bin straddles codes: shared out evenly (approximate)
        straddle += c;
        const share = c / (qb - qa + 1);
        for (let q = qa; q <= qb; q += 1) codes[q - p.qmin] += share;
        sse += (c * p.scale * p.scale) / 12;
        spread(errors, -p.scale / 2, p.scale / 2, c, -half, half);
      }
    }
    qa = qb;
  }
  let used = 0;
  for (let k = 0; k < levels; k += 1) if (codes[k] > 0) used += 1;
  const n = hist.n;
  return {
    p, levels, codes, used, errors, errLo: -half, errHi: half, straddle,
    clipped, xLo, xHi, mse: sse / n, sqnr: 10 * Math.log10(power / sse),
  };
}

/** Add count c spread evenly over [lo, hi] to equal bins of [min, max] (outside: dropped). */
function spread(bins, lo, hi, c, min, max) {
  const n = bins.length;
  const w = (max - min) / n;
  if (!(hi > lo)) {
    const k = Math.floor((lo - min) / w);
    if (k >= 0 && k < n) bins[k] += c;
    return;
  }
  const k0 = Math.max(0, Math.floor((lo - min) / w));
  const k1 = Math.min(n - 1, Math.floor((hi - min) / w));
  for (let k = k0; k <= k1; k += 1) {
    const overlap = Math.min(hi, min + (k + 1) * w) - Math.max(lo, min + k * w);
    if (overlap > 0) bins[k] += (c * overlap) / (hi - lo);
  }
}

// ---------------------------------------------------------------- drawing

function el(tag, attrs, parent, ns = SVG) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, x, y, content, attrs) {
  const node = el("text", { x, y, ...attrs }, parent);
  node.textContent = content;
  return node;
}

/** Fill "{name}" fields of a template; the result goes to textContent only. */
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

export function fmt(v, digits = 6) {
  if (typeof v === "string") return v === "inf" ? "∞" : v;
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : v < 0 ? "-∞" : "nan";
  return String(Number(v.toPrecision(digits)));
}

function ticks(lo, hi, count) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
  return out;
}

/** An axes box: maps data to pixels and draws the frame and its ticks. */
function frame(svg, w, h, font, xr, yr, opts = {}) {
  const m = { l: 4.2 * font, r: (opts.right ? 4.2 : 1) * font, t: 0.8 * font, b: 2.2 * font };
  const X = (v) => m.l + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * (w - m.l - m.r);
  const Y = (v) => h - m.b - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * (h - m.t - m.b);
  const g = el("g", { class: "axis" }, svg);
  el("rect", { x: m.l, y: m.t, width: w - m.l - m.r, height: h - m.t - m.b, class: "box" }, g);
  for (const v of ticks(xr[0], xr[1], Math.max(2, Math.floor(w / (7 * font))))) {
    text(g, X(v), h - m.b + 1.2 * font, fmt(v, 3), { "text-anchor": "middle" });
  }
  for (const v of opts.yTicks || [yr[0], yr[1]]) {
    text(g, m.l - 0.3 * font, Y(v) + 0.35 * font, fmt(v, 4), { "text-anchor": "end" });
  }
  for (const v of opts.rightTicks || []) {
    text(g, w - m.r + 0.3 * font, Y(v[0]) + 0.35 * font, fmt(v[1], 4), {});
  }
  return { X, Y, m };
}

function bars(svg, X, Y, lefts, width, heights, cls) {
  let d = "";
  for (let i = 0; i < heights.length; i += 1) {
    if (!(heights[i] > 0)) continue;
    const x0 = X(lefts[i]);
    const x1 = X(lefts[i] + width);
    d += `M${x0},${Y(0)}V${Y(heights[i])}H${Math.max(x1 - 0.5, x0 + 0.5)}V${Y(0)}Z`;
  }
  el("path", { d, class: cls }, svg);
}

function clipZones(svg, X, xr, pv, top, bottom) {
  for (const [a, b] of [[xr[0], pv.xLo], [pv.xHi, xr[1]]]) {
    if (b > a) {
      el("rect", { x: X(a), y: top, width: Math.max(0, X(b) - X(a)), height: bottom - top,
        class: "clip" }, svg);
    }
  }
}

function drawValues(svg, w, h, font, view, pv, hist, L) {
  const group = Math.max(1, Math.round(hist.counts.length / Math.max(16, Math.floor(w / 5))));
  const lefts = [];
  const heights = [];
  for (let i = 0; i < hist.counts.length; i += group) {
    let c = 0;
    for (let k = i; k < i + group && k < hist.counts.length; k += 1) c += hist.counts[k];
    lefts.push(hist.edges[i]);
    heights.push(c);
  }
  const width = hist.edges[Math.min(group, hist.counts.length)] - hist.edges[0];
  const top = Math.max(1, ...heights);
  const { X, Y, m } = frame(svg, w, h, font, view, [0, top], { yTicks: [0, top] });
  clipZones(svg, X, view, pv, m.t, h - m.b);
  bars(svg, X, Y, lefts, width, heights, "bar");
  const step = Math.max(1, Math.ceil(pv.levels / 128));
  let d = "";
  for (let q = pv.p.qmin; q <= pv.p.qmax; q += step) {
    const x = dequantize(q, pv.p);
    if (x >= view[0] && x <= view[1]) d += `M${X(x)},${m.t}V${h - m.b}`;
  }
  el("path", { d, class: "grid" }, svg);
  for (const x of [pv.xLo, pv.xHi]) {
    el("line", { x1: X(x), x2: X(x), y1: m.t, y2: h - m.b, class: "edge" }, svg);
  }
  return fill(L.values_alt, { lo: fmt(pv.xLo), hi: fmt(pv.xHi), levels: pv.levels,
    every: step });
}

function drawMapping(svg, w, h, font, view, pv, L) {
  const { p } = pv;
  const yr = [p.qmin, p.qmax];
  const { X, Y, m } = frame(svg, w, h, font, view, yr, {
    right: true, yTicks: [p.qmin, p.qmax],
    rightTicks: [[p.qmin, pv.xLo], [p.qmax, pv.xHi]],
  });
  clipZones(svg, X, view, pv, m.t, h - m.b);
  const cols = Math.max(2, Math.floor(w - m.l - m.r));
  let d = "";
  let prev = null;
  for (let i = 0; i <= cols; i += 1) {
    const x = f(view[0] + ((view[1] - view[0]) * i) / cols);
    const q = quantize(x, p);
    d += prev === null ? `M${X(x)},${Y(q)}` : `H${X(x)}V${Y(q)}`;
    prev = q;
  }
  el("path", { d, class: "stairs" }, svg);
  return fill(L.mapping_alt, { qmin: p.qmin, qmax: p.qmax, lo: fmt(pv.xLo), hi: fmt(pv.xHi) });
}

function drawCodes(svg, w, h, font, pv, L) {
  const { p } = pv;
  const group = Math.max(1, Math.ceil(pv.levels / Math.max(16, Math.floor(w / 3))));
  const lefts = [];
  const heights = [];
  for (let k = 0; k < pv.levels; k += group) {
    let c = 0;
    for (let j = k; j < k + group && j < pv.levels; j += 1) c += pv.codes[j];
    lefts.push(p.qmin + k - 0.5);
    heights.push(c);
  }
  const top = Math.max(1, ...heights);
  const { X, Y } = frame(svg, w, h, font, [p.qmin - 0.5, p.qmax + 0.5], [0, top],
    { yTicks: [0, Math.round(top)] });
  bars(svg, X, Y, lefts, group, heights, "bar codes");
  return fill(L.codes_alt, { used: pv.used, levels: pv.levels, group });
}

function drawErrors(svg, w, h, font, pv, L) {
  const n = pv.errors.length;
  const width = (pv.errHi - pv.errLo) / n;
  const lefts = Array.from({ length: n }, (_, k) => pv.errLo + k * width);
  const top = Math.max(1, ...pv.errors);
  const { X, Y, m } = frame(svg, w, h, font, [pv.errLo, pv.errHi], [0, top],
    { yTicks: [0, Math.round(top)] });
  bars(svg, X, Y, lefts, width, Array.from(pv.errors), "bar errors");
  for (const x of [-pv.p.scale / 2, pv.p.scale / 2]) {
    el("line", { x1: X(x), x2: X(x), y1: m.t, y2: h - m.b, class: "edge" }, svg);
  }
  return fill(L.errors_alt, { half: fmt(pv.p.scale / 2), clipped: fmt(pv.clipped, 4) });
}

// ---------------------------------------------------------------- the component

const INSTANCES = new WeakMap();
const PANELS = ["values", "mapping", "codes", "errors"];

function build(parent, L, uid) {
  const root = el("div", { class: "qv-live" }, parent, null);
  const source = el("p", { class: "qv-source" }, root, null);
  const controls = el("div", { class: "qv-controls" }, root, null);

  const bitsBox = el("div", { class: "qv-field" }, controls, null);
  const bitsLabel = el("label", { for: `${uid}-bits` }, bitsBox, null);
  const bitsName = el("span", {}, bitsLabel, null);
  const bitsValue = el("output", { for: `${uid}-bits`, class: "qv-value" }, bitsLabel, null);
  const bits = el("input", { type: "range", id: `${uid}-bits`, min: 2, max: 16, step: 1 },
    bitsBox, null);

  const schemeBox = el("fieldset", { class: "qv-field" }, controls, null);
  const schemeLegend = el("legend", {}, schemeBox, null);
  const schemes = {};
  const schemeNames = {};
  for (const s of ["asymmetric", "symmetric"]) {
    const label = el("label", { class: "qv-choice" }, schemeBox, null);
    schemes[s] = el("input", { type: "radio", name: `${uid}-scheme`, value: s }, label, null);
    schemeNames[s] = el("span", {}, label, null);
  }

  const signedBox = el("div", { class: "qv-field" }, controls, null);
  const signedLabel = el("label", { class: "qv-choice" }, signedBox, null);
  const signed = el("input", { type: "checkbox", id: `${uid}-signed` }, signedLabel, null);
  const signedName = el("span", {}, signedLabel, null);

  const calibBox = el("div", { class: "qv-field" }, controls, null);
  const calibLabel = el("label", { for: `${uid}-calib` }, calibBox, null);
  const calib = el("select", { id: `${uid}-calib` }, calibBox, null);

  const numbers = el("div", { class: "qv-numbers" }, root, null);
  const status = el("span", { class: "qv-status" }, numbers, null);
  const list = el("dl", {}, numbers, null);
  const why = el("p", { class: "qv-why" }, numbers, null);
  const panels = el("div", { class: "qv-panels" }, root, null);
  const figs = {};
  for (const name of PANELS) {
    const fig = el("figure", { class: "qv-panel", "data-panel": name }, panels, null);
    const cap = el("figcaption", { id: `${uid}-${name}` }, fig, null);
    const svg = el("svg", { role: "img", "aria-labelledby": `${uid}-${name} ${uid}-${name}-alt` },
      fig);
    const alt = el("p", { class: "qv-alt", id: `${uid}-${name}-alt` }, fig, null);
    figs[name] = { fig, cap, svg, alt };
  }
  const live = el("p", { class: "qv-summary", "aria-live": "polite" }, root, null);
  return {
    boxes: { bits: bitsBox, scheme: schemeBox, signed: signedBox, calib: calibBox },
    root, source, bits, bitsName, bitsValue, bitsLabel, schemes, schemeNames, schemeLegend,
    signed, signedName, calib, calibLabel, status, list, why, panels, figs, live,
    hist: null, histKey: null, data: null, sent: 0, awaiting: null, painted: 0, widths: {},
    panelsKey: null, numbersKey: null, labelsKey: null, pending: null,
  };
}

function setLabels(inst, L) {
  const key = JSON.stringify(L);
  if (key === inst.labelsKey) return; // the same words: leave the select (maybe open) alone
  inst.labelsKey = key;
  inst.bitsName.textContent = `${L.bits} `;
  inst.schemeLegend.textContent = L.scheme;
  for (const s of Object.keys(inst.schemes)) inst.schemeNames[s].textContent = L[s];
  inst.signedName.textContent = L.signed;
  inst.calibLabel.textContent = L.calib;
  const current = inst.calib.value;
  inst.calib.replaceChildren();
  for (const [value, label] of L.calib_options) {
    const option = el("option", { value }, inst.calib, null);
    option.textContent = label;
  }
  if (current) inst.calib.value = current;
  for (const name of PANELS) inst.figs[name].cap.textContent = L[name];
}

function readControls(inst) {
  const scheme = inst.schemes.symmetric.checked ? "symmetric" : "asymmetric";
  return {
    bits: Number(inst.bits.value),
    scheme,
    // where the page pairs them (Start), symmetric means signed codes
    signed: inst.signedFollows ? scheme === "symmetric" : inst.signed.checked,
    calib: inst.calib.value,
  };
}

function writeControls(inst, c) {
  inst.bits.value = String(c.bits);
  inst.schemes[c.scheme === "symmetric" ? "symmetric" : "asymmetric"].checked = true;
  inst.signed.checked = Boolean(c.signed);
  inst.calib.value = c.calib;
}

function sameControls(a, b) {
  return a.bits === b.bits && a.scheme === b.scheme && a.signed === b.signed &&
    a.calib === b.calib;
}

/** The range the preview uses, and why it may differ from the server's. */
function previewRange(data, c) {
  if (c.calib === "minmax") return { lo: data.hist.x_min, hi: data.hist.x_max, exact: true };
  const server = data.exact;
  const sameCalib = c.calib === data.controls.calib;
  const sameConfig = c.bits === server.config.bits && c.scheme === server.config.scheme &&
    c.signed === server.config.signed;
  // observers whose range depends on the config keep the server's last range (Python names them)
  const exact = sameCalib && (sameConfig || !data.config_ranged.includes(c.calib));
  return { lo: server.x_min, hi: server.x_max, exact };
}

/** The config and range the figure shows for the controls `c`, and the key of its panels:
 * the four charts depend on these, the panel widths and the words only. */
function settings(inst, c) {
  const { data } = inst;
  // the server's qmin and qmax are those of its bits: the preview derives its own (qrange),
  // and leaving them out keeps the key of a move equal to the key of the server's answer
  const { qmin, qmax, ...server } = data.exact.config;
  const cfg = { ...server, bits: c.bits, scheme: c.scheme, signed: c.signed,
    reduce_range: data.reduce && c.bits >= data.reduce_min_bits };
  const range = previewRange(data, c);
  const key = JSON.stringify([data.hist.key, cfg, range.lo, range.hi, data.present,
    inst.labelsKey, PANELS.map((name) => inst.widths[name] || 0)]);
  return { cfg, range, key };
}

/** The numbers, the status and the text alternative: text only, written when they change. */
function showNumbers(inst, c, pv, range, cfg) {
  const { data } = inst;
  const L = data.labels;
  const server = sameControls(c, data.controls) ? data.exact : null;
  const shown = server ? {
    scale: server.scale, zero_point: server.zero_point, used: server.codes_used,
    levels: server.levels, sqnr: server.sqnr_db, mse: server.mse,
    clipped: typeof server.fraction_clipped === "number" ? 100 * server.fraction_clipped : 0,
    approx: "",
  } : {
    scale: pv.p.scale, zero_point: pv.p.zero_point, used: pv.used, levels: pv.levels,
    sqnr: pv.sqnr, mse: pv.mse, clipped: (100 * pv.clipped) / inst.hist.n, approx: "≈ ",
  };
  const reasons = [];
  if (!server) {
    if (pv.straddle > 0) reasons.push(L.why_bins);
    if (!range.exact) reasons.push(L.why_range);
    if (cfg.arithmetic !== "pytorch" || cfg.rounding !== "half_even") reasons.push(L.why_arith);
  }
  const state = server ? "exact" : "preview";
  const rows = [
    ["scale", fmt(shown.scale)], ["zero_point", `Z = ${shown.zero_point}`],
    ["codes_used", `${shown.approx}${shown.used} / ${shown.levels}`],
    ["sqnr", `${shown.approx}${fmt(shown.sqnr, 4)} dB`], ["mse", `${shown.approx}${fmt(shown.mse, 3)}`],
    ["clipped", `${shown.approx}${fmt(shown.clipped, 3)} %`],
  ].map(([key, value]) => [L[key], value]);
  const summary = fill(L.summary, {
    status: server ? L.exact : L.preview, bits: c.bits, scheme: L[c.scheme],
    scale: fmt(shown.scale), zero_point: shown.zero_point, used: `${shown.approx}${shown.used}`,
    levels: shown.levels, sqnr: `${shown.approx}${fmt(shown.sqnr, 4)}`,
  });
  const dataset = { status: state, bits: String(c.bits), scale: String(shown.scale),
    zeroPoint: String(shown.zero_point), previewScale: String(pv.p.scale),
    previewZeroPoint: String(pv.p.zero_point) };
  const key = JSON.stringify([state, reasons, rows, summary, dataset]);
  if (key === inst.numbersKey) return; // the same text: no DOM change, no style recalculation
  inst.numbersKey = key;
  inst.bitsValue.textContent = String(c.bits);
  inst.status.textContent = server ? L.exact : L.preview;
  inst.status.className = `qv-status ${state}`;
  inst.why.textContent = reasons.join(" ");
  inst.list.replaceChildren();
  for (const [name, value] of rows) {
    const row = el("div", {}, inst.list, null);
    el("dt", {}, row, null).textContent = name;
    el("dd", {}, row, null).textContent = value;
  }
  inst.live.textContent = summary;
  Object.assign(inst.root.dataset, dataset);
}

/** The four charts, redrawn only when what they show (`key`) changed. */
function drawPanels(inst, pv, key) {
  if (key === inst.panelsKey) return;
  const { data } = inst;
  const L = data.labels;
  const font = data.present ? 18 : 12;
  const h = data.present ? 260 : 190;
  const lo = Math.min(inst.hist.x_min, pv.xLo);
  const hi = Math.max(inst.hist.x_max, pv.xHi);
  const pad = 0.05 * (hi - lo) || Math.max(pv.p.scale, 1e-30);
  const view = [lo - pad, hi + pad];
  const draw = {
    values: (svg, w) => drawValues(svg, w, h, font, view, pv, inst.hist, L),
    mapping: (svg, w) => drawMapping(svg, w, h, font, view, pv, L),
    codes: (svg, w) => drawCodes(svg, w, h, font, pv, L),
    errors: (svg, w) => drawErrors(svg, w, h, font, pv, L),
  };
  measure(inst);
  for (const name of PANELS) {
    const { svg, alt } = inst.figs[name];
    const w = Math.max(200, Math.floor(inst.widths[name] || 320));
    svg.replaceChildren();
    svg.setAttribute("width", w);
    svg.setAttribute("height", h);
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    alt.textContent = draw[name](svg, w);
  }
  inst.panelsKey = key;
  const r = inst.root;
  requestAnimationFrame(() => {
    inst.painted += 1;
    r.dataset.painted = String(inst.painted);
  });
}

/** Panel widths the ResizeObserver has not reported yet, read all at once before any write
 * (one layout, where reading each between writes would force one per panel). */
function measure(inst) {
  for (const name of PANELS) {
    if (!inst.widths[name]) inst.widths[name] = inst.figs[name].fig.clientWidth;
  }
}

/** The histogram of the data, decoded once per tensor (when it is first drawn). */
function syncHist(inst) {
  const h = inst.data.hist;
  if (inst.histKey === h.key) return;
  const counts = decode(h.counts, h.counts_type === "u2" ? Uint16Array : Uint32Array);
  inst.hist = { ...h, counts, edges: h.edges ? decode(h.edges, Float32Array)
    : linspaceEdges(h.first, h.last, counts.length) };
  inst.histKey = h.key;
}

/** Redraw for the controls the inputs hold: numbers always, charts if they changed. */
function redraw(inst) {
  cancelPending(inst);
  syncHist(inst);
  const c = readControls(inst);
  if (!inst.widths.values) measure(inst);
  const { cfg, range, key } = settings(inst, c);
  const pv = preview(inst.hist, range.lo, range.hi, cfg);
  showNumbers(inst, c, pv, range, cfg);
  drawPanels(inst, pv, key);
}

function cancelPending(inst) {
  if (inst.pending) inst.pending();
  inst.pending = null;
}

/** Run `fn` once the page is idle: after the rerun's charts are drawn and painted (a chart
 * of the page and this figure then never wait for each other), within a second at most. */
function whenIdle(fn) {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback(fn, { timeout: 1000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 100);
  return () => clearTimeout(id);
}

/** The server's data, applied: its controls (unless a move of this figure is on its way) and
 * a redraw. When it is the answer to this figure's last move (the server reran the figure
 * alone), the page is asked to follow once the answer is painted. */
function apply(inst) {
  inst.pending = null;
  if (inst.data.seq >= inst.sent) writeControls(inst, inst.data.controls);
  redraw(inst);
  if (inst.data.follow && inst.data.seq === inst.awaiting) {
    inst.awaiting = null;
    followAfterPaint(inst, inst.data.seq);
  }
}

/** Trigger "follow" after the next frame is painted (or after 200 ms, should the tab be
 * hidden and draw no frames): the server then reruns the whole page. */
function followAfterPaint(inst, seq) {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    inst.setTriggerValue("follow", seq);
  };
  requestAnimationFrame(() => requestAnimationFrame(go));
  setTimeout(go, 200);
}

function send(inst) {
  inst.sent = Math.max(inst.sent, inst.data.seq) + 1;
  inst.awaiting = inst.sent;
  inst.setStateValue("controls", { ...readControls(inst), seq: inst.sent });
}

function listen(inst) {
  const move = () => redraw(inst);
  const end = () => { redraw(inst); send(inst); };
  inst.bits.addEventListener("input", move);
  inst.bits.addEventListener("change", end);
  for (const input of [...Object.values(inst.schemes), inst.signed, inst.calib]) {
    input.addEventListener("change", end);
  }
  // the panels' widths as the browser lays them out (read here, they force no layout)
  inst.resize = new ResizeObserver((entries) => {
    let changed = false;
    for (const entry of entries) {
      const name = entry.target.dataset.panel;
      const w = entry.contentRect.width;
      if (name && w !== inst.widths[name]) { inst.widths[name] = w; changed = true; }
    }
    if (changed && inst.data && inst.panelsKey !== null && !inst.pending) redraw(inst);
  });
  for (const name of PANELS) inst.resize.observe(inst.figs[name].fig);
}

let counter = 0;

/**
 * Streamlit calls this on every run of the page with the data Python sent. When the server
 * answers a move of this figure, the charts already show those controls and only the numbers
 * change: written at once. Anything else (a sidebar control, a new tensor) changes the charts:
 * redrawn once the page is idle, so that the rerun's own charts are not kept waiting.
 */
export default function render(component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  if (!data || !data.hist) return undefined;
  let inst = INSTANCES.get(parentElement);
  if (!inst) {
    counter += 1;
    inst = build(parentElement, data.labels, `qv-live-${counter}`);
    INSTANCES.set(parentElement, inst);
    listen(inst);
  }
  inst.setStateValue = setStateValue;
  inst.setTriggerValue = setTriggerValue;
  inst.data = data;
  setLabels(inst, data.labels);
  inst.root.classList.toggle("present", Boolean(data.present));
  inst.root.lang = data.lang;
  if (inst.source.textContent !== data.source) inst.source.textContent = data.source;
  inst.signedFollows = Boolean(data.signed_follows_scheme);
  // the controls this page offers (Start's step shows bits and scheme only)
  const shown = Array.isArray(data.shown) ? data.shown : Object.keys(inst.boxes);
  for (const [name, box] of Object.entries(inst.boxes)) {
    box.style.display = shown.includes(name) ? "" : "none";
  }
  cancelPending(inst);
  if (inst.panelsKey === null) {
    writeControls(inst, data.controls); // the first run: the inputs at once, the charts soon
    inst.pending = whenIdle(() => apply(inst));
    return cleanup(inst, parentElement);
  }
  const c = data.seq >= inst.sent ? data.controls : readControls(inst);
  const same = settings(inst, { bits: Number(c.bits), scheme: c.scheme === "symmetric"
    ? "symmetric" : "asymmetric", signed: Boolean(c.signed), calib: c.calib }).key;
  if (same === inst.panelsKey) apply(inst);
  else inst.pending = whenIdle(() => apply(inst));
  return cleanup(inst, parentElement);
}

function cleanup(inst, parentElement) {
  return () => {
    cancelPending(inst);
    inst.resize.disconnect();
    INSTANCES.delete(parentElement);
  };
}
