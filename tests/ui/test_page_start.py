"""The Start page under Streamlit's AppTest: the overview, every step in both languages, the
questions' feedback, "next" links and the links that open each step's exact case."""

from __future__ import annotations

from urllib.parse import parse_qs

import numpy as np
import pytest

from quantviz.observers import calibrate
from quantviz.quantize import QuantConfig, compute_qparams
from quantviz.studies import lessons, views
from quantviz.studies import start as path
from quantviz.ui import cache, controls
from quantviz.ui.start import QUESTIONS, link_fields, question_fields
from tests.helpers import en, markdown, metric, ok, zh


def links(at) -> list[tuple[str, str, dict]]:
    """Each page link as (label, target URL path, query parameters)."""
    out = []
    for link in at.get("page_link"):
        p = link.proto
        query = {k: v[0] for k, v in parse_qs(p.query_string).items()}
        out.append((p.label, p.page, query))
    return out


@pytest.fixture
def step(run_page):
    """``step("relu", lang="zh")`` runs the Start page on that step."""
    def run(name: str | None = None, **query):
        return run_page("start", {**({"step": name} if name else {}), **query})
    return run


def test_the_root_opens_start_with_the_path(run_page):
    at = run_page(None)
    assert at.title[0].value == en("start.title")
    labels = [label for label, _, _ in links(at)]
    for i, name in enumerate(path.STEPS, 1):
        assert f"{i}. {en(f'start.step.{name}')}" in labels
    # each step of the overview links to this page with the step in the URL
    targets = [(page, q) for label, page, q in links(at) if label.startswith("1. ")]
    assert targets == [("start", {"step": "roundtrip"})]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", path.STEPS)
def test_every_step_renders_in_both_languages(step, name, lang):
    at = step(name, lang=lang)
    text = en if lang == "en" else zh
    assert at.header[0].value == f"{path.STEPS.index(name) + 1}. {text(f'start.step.{name}')}"
    if name == "practice":
        assert len(links(at)) >= 13  # every practitioner page, the overview and "back"
        return
    assert text(f"start.{name}.idea", **question_fields(name)) in markdown(at)
    assert len(at.get("plotly_chart")) == 1
    assert at.radio(key=f"start_q_{name}").value is None  # no answer picked for the student


def test_next_and_back_link_the_neighbouring_steps(step):
    at = step("relu")
    found = {label: q for label, page, q in links(at) if page == "start"}
    assert found[en("start.next", name="6. " + en("start.step.errors"))] == {"step": "errors"}
    assert found[en("start.previous", name="4. " + en("start.step.zero"))] == {"step": "zero"}
    last = step("practice")
    assert en("start.done") in markdown(last)


def test_case_links_open_the_exact_case(step):
    at = step("relu")
    cases = [(page, q) for _, page, q in links(at) if page == "explore"]
    relu = path.tensor_state("relu")
    assert [(page, {k: q[k] for k in ("dist", "scheme", "signed", "bits")}) for page, q in cases] \
        == [("explore", {"dist": "relu", "scheme": "symmetric", "signed": "1", "bits": "8"}),
            ("explore", {"dist": "relu", "scheme": "asymmetric", "signed": "0", "bits": "8"})]
    assert all(q == {**q, **relu} for _, q in cases)


LINKS = [(step, i) for step in path.STEPS for i in range(len(path.CASES[step]))]


def other_value(control, value):
    """A valid value of ``control`` other than ``value`` (what an earlier visit may have left)."""
    if control.kind in ("select", "radio", "segmented"):
        return next(o for o in control.options if o != value)
    if control.kind == "toggle":
        return not value
    if control.kind == "int":
        return value + 1 if control.hi is None or value + 1 <= control.hi else value - 1
    if control.kind == "float":
        up = round(value + (control.step or 0.01), 12)
        return up if control.hi is None or up <= control.hi else round(value - control.step, 12)
    return value + 1  # a number input


@pytest.mark.parametrize(("name", "i"), LINKS)
def test_every_case_link_opens_its_case_over_an_earlier_visit(app_test, name, i):
    # an earlier visit left another value in every control the link names; following the link
    # from the step must show the link's values, each on a control the target page draws, and
    # a link that names a tensor must give the page the very sample the step computed with
    page, case = path.CASES[name][i]
    at = app_test(page)
    at.run()
    drawn = {c.key: c for c in at.session_state["_controls"]}
    moved = {}
    for key, raw in case.items():
        if key in drawn:
            moved[key] = other_value(drawn[key], drawn[key].parse(raw))
            at.session_state[key] = moved[key]
    at.run()
    ok(at)
    assert moved and all(at.session_state[k] == v for k, v in moved.items())
    # to the step, and along its link as the page renders it
    at.query_params.clear()
    at.query_params["step"] = name
    at.switch_page("pages/start.py").run()
    ok(at)
    label, target, query = [lk for lk in links(at) if lk[1] != "start"][i]
    assert (target, query) == (page, case)
    at.query_params.clear()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py").run()
    ok(at)
    drawn = {c.key: c for c in at.session_state["_controls"]}
    for key, raw in case.items():
        assert key in drawn, f"{page} draws no control {key!r}"
        assert at.session_state[key] == drawn[key].parse(raw), key
    if "dist" in case:
        source = at.session_state["_last_source"][0]
        assert source[:4] == ("dist", case["dist"], path.N_VALUES, path.SEED)
        x = cache.distribution_tensor(*source[1:])
        if name == "roundtrip":  # no sample of its own: uniform data on the staircase's range
            lo, hi, _ = path.ROUNDTRIP
            assert dict(source[4]) == {"low": lo, "high": hi}
        else:
            assert np.array_equal(x, path.tensor(case["dist"]))


def test_the_links_name_the_state_the_issue_asks_for():
    # a link to a page with a tensor and a scheme names the distribution (with its size and
    # seed), the scheme, signedness and bits; numbers in the URL are the step's own constants
    for name, i in LINKS:
        page, case = path.CASES[name][i]
        if "dist" in case:
            params = ({"low": path.ROUNDTRIP[0], "high": path.ROUNDTRIP[1]}
                      if name == "roundtrip" else {})
            assert case == {**case, **path.tensor_state(case["dist"], **params)}
            assert int(case["n"]) in controls.SIZES
        if page in ("explore", "calibration", "per_channel"):
            assert {"scheme", "signed", "bits"} <= set(case), (name, i)
    lo, hi, bits = path.QUESTION_RANGE
    example = {"ex_min": f"{lo:g}", "ex_max": f"{hi:g}", "bits": str(bits)}  # -1, 3, 8
    assert path.CASES["scale"] == (("learn", example),)
    # step 4: the padding demo's own controls, not only the sidebar's bits (which set Learn's
    # example to 4 bits, where Z = 3.75 -> 4, not the step's "63.75 in step 2")
    assert path.CASES["zero"] == (("learn", {**example, "pad_kernel": "box3",
                                              "pad_offset": "0.4", "pad_bits": "4"}),)
    assert path.PADDING == path.PaddingCase("box3", 0.4, 4)
    # step 6: range +-2 std; a normal sample's 97.72nd percentile is 2 std above the mean
    # (Phi(2) = 0.97725), so the percentile observer cuts Explore's range at about +-2 std
    assert path.normal_percentile(2.0) == 97.72
    assert path.CASES["errors"][0][1]["pct"] == "97.72"
    assert path.CASES["errors"][0][1]["bits"] == "4" == str(path.ERRORS_BITS)


def test_the_roundtrip_link_opens_the_steps_staircase(app_test):
    # step 1 draws [-1, 3] at 3 bits: s = 4 / 7 = 0.5714, Z = round(1 / s) = round(1.75) = 2.
    # Its link opened uniform data on the default [-1, 1] (s = 2 / 7 = 0.2857): another
    # staircase. Uniform data on [-1, 3] reach [-0.99992, 2.99978]: s = 0.57139 -> "0.5714".
    lo, hi, bits = path.ROUNDTRIP
    step_qp = compute_qparams(lo, hi, QuantConfig(bits, "asymmetric", signed=False))
    assert f"{float(step_qp.scale):.4g}" == "0.5714" and int(step_qp.zero_point) == 2
    [(page, case)] = path.CASES["roundtrip"]
    at = app_test(page, query=case)
    at.run()
    ok(at)
    assert f"{float(metric(at, 'scale')):.4g}" == "0.5714"
    assert metric(at, "zero_point") == "Z = 2"
    fields = link_fields(case)
    assert en("start.roundtrip.link.0", **fields).startswith(
        "Explore: uniform data in [-1, 3] at 3 bits")
    assert "[-1, 3]" in zh("start.roundtrip.link.0", **fields)
    with pytest.raises(ValueError, match="mean"):
        path.tensor_state("uniform", mean=0.0)  # uniform has low and high, not a mean


def test_the_errors_link_says_what_its_range_leaves_out_not_what_is_clipped():
    # the percentile observer at 97.72 sets x_min, x_max with 228 of the 10,000 values (2.28 %)
    # below x_min and 228 above x_max. The 4-bit symmetric grid on it is [-8 s, 7 s],
    # s = max(|x_min|, |x_max|) / 7.5: longer below than above, so Explore counts 354 values
    # (3.54 %) clipped, not 2 x 2.28 %: the label must not call the 2.28 % at each end clipped
    [(page, case)] = path.CASES["errors"]
    x = path.tensor("normal")
    cfg = QuantConfig(int(case["bits"]), "symmetric", signed=True)
    lo, hi = calibrate("percentile", x, cfg, percentile=float(case["pct"]))
    fields = {**link_fields(case), "sigmas": f"{path.ERRORS_SIGMAS:g}"}
    assert fields["tail"] == "2.28" == f"{100 * np.mean(x < lo):.2f}" \
        == f"{100 * np.mean(x > hi):.2f}"
    clipped = views.explore_for_range(x, lo, hi, cfg).summary.fraction_clipped
    assert f"{100 * clipped:.2f}" == "3.54"
    label_en, label_zh = en("start.errors.link.0", **fields), zh("start.errors.link.0", **fields)
    assert "2.28 % of the values lie beyond each end of [x_min, x_max]" in label_en
    assert "[x_min, x_max] 两端之外各有 2.28 % 的数值" in label_zh
    assert "clipped" not in label_en and "截断" not in label_zh


def test_the_zero_link_opens_learns_padding_demo_on_the_steps_case(app_test):
    # an earlier visit to Learn left the edge kernel, a 0.25 shift, 7 padding bits and a 3-bit
    # example; the step's link must bring back box3, 0.4, 4 bits and the [-1, 3] 8-bit example
    at = app_test("learn", query={"pad_kernel": "edge3", "pad_offset": "0.25", "pad_bits": "7",
                                  "bits": "3"})
    at.run()
    at.query_params.clear()
    at.query_params["step"] = "zero"
    at.switch_page("pages/start.py").run()
    step_text = markdown(at)
    [(_, page, query)] = [lk for lk in links(at) if lk[1] == "learn"]
    at.query_params.clear()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py").run()
    ok(at)
    # box3 at 4 bits, shift 0.4: range [-0.6, 1.4], s = 2/15, Z = 0.6 / (2/15) = 4.5 unrounded
    r = lessons.padded_convolution(lessons.padding_signal(0.4), np.array(lessons.KERNELS["box3"]),
                                   4)
    assert r.z_exact == pytest.approx(4.5)
    bias = float(np.max(np.abs(r.bias_exact)))
    # the numbers the step states are the ones Learn shows
    assert en("start.zero.read", bits=4, pad_int=f"{r.pad_integer:.4g}",
              pad_exact=f"{r.pad_exact:.4g}", z_exact="4.5", bias=f"{bias:.4g}") in step_text
    assert metric(at, en("learn.s4.m_pad_exact")) == f"{r.pad_exact:.6g}"
    assert metric(at, en("learn.s4.m_bias")) == f"{bias:.6g}"
    # and Learn's own example is the step-2 case the step refers to: Z = round(63.75) = 64
    assert en("learn.s4.intro", Z=64) in markdown(at)


def test_a_case_link_opens_that_case_even_after_an_earlier_visit(app_test):
    # the session remembers dist=normal from Explore; the lesson's link names relu: relu wins
    at = app_test("explore")
    at.run()
    assert at.selectbox(key="dist").value == "normal"
    at.switch_page("pages/start.py").run()
    at.query_params.clear()
    for k, v in path.CASES["relu"][0][1].items():
        at.query_params[k] = v
    at.switch_page("pages/explore.py").run()
    ok(at)
    assert at.selectbox(key="dist").value == "relu"
    assert at.button_group(key="scheme").value == "symmetric"
    assert at.toggle(key="signed").value is True


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_each_question_gives_feedback(step, name):
    answers, right = QUESTIONS[name]
    at = step(name)
    at.radio(key=f"start_q_{name}").set_value(right).run()
    ok(at)
    assert len(at.success) == 1 and at.success[0].value.startswith("Right.")
    wrong = next(a for a in answers if a != right)
    at.radio(key=f"start_q_{name}").set_value(wrong).run()
    assert not at.success and at.info[0].value.startswith("Not quite.")


def test_the_relu_answer_states_the_cores_count(step):
    at = step("relu")
    at.radio(key="start_q_relu").set_value("half").run()
    pic = lessons.mapping_picture(0.0, 6.0, QuantConfig(8, "symmetric", signed=True))
    # symmetric signed 8 bits on [0, 6]: codes -128 .. -1 never reached, 128 of 256
    assert pic.wasted == 128
    assert "128 of 256" in at.success[0].value and "-128 … -1" in at.success[0].value


def test_a_steps_figure_follows_its_control(step):
    at = step("roundtrip")
    assert "At 3 bits there are 8 steps" in markdown(at)
    at.slider(key="start_rt_bits").set_value(5).run()
    assert "At 5 bits there are 32 steps" in markdown(at)


def test_an_unknown_step_shows_the_overview(step):
    at = step("nonsense")
    assert at.header[0].value == en("start.path")


def test_practitioner_pages_say_where_they_sit_on_the_path(run_page):
    at = run_page("calibration", {"n": 1000})
    [note] = [(label, q) for label, page, q in links(at) if page == "start"]
    assert note[1] == {"step": "calibration"} and "8. Calibration" in note[0]


def test_the_zero_step_states_z_with_the_sign_step_2_taught(step):
    # 4 bits, offset 0.4: the range is [0.4 - 1, 0.4 + 1] = [-0.6, 1.4], s = 2 / 15;
    # Z = -(-0.6) / (2/15) = 4.5, positive as in step 2 (the notes' zp would be -4.5)
    at = step("zero")
    r = lessons.padded_convolution(lessons.padding_signal(0.4), lessons.KERNELS["box3"], 4)
    assert r.z_exact == pytest.approx(4.5) and r.z_exact > 0
    bias = max(abs(float(b)) for b in r.bias_exact)
    assert en("start.zero.read", bits=4, pad_int=f"{r.pad_integer:.4g}",
              pad_exact=f"{r.pad_exact:.4g}", z_exact="4.5", bias=f"{bias:.4g}") in markdown(at)
    assert "(Z = 4.5)" in markdown(at)


def test_the_unrounded_zero_point_is_computed_not_typed(step):
    # the questions' case [-1, 3], 8 bits: s = 4/255, Z = 1 / (4/255) = 63.75, rounded 64;
    # 0.0 comes back as (64 - 63.75) * 4/255 = 0.25 * 4/255 = 0.003922
    assert path.QUESTION_RANGE == (-1.0, 3.0, 8)
    at = step("zero")
    assert "(63.75 in step 2)" in markdown(at)
    assert "[-1, 3], 8 bits, zero point left unrounded (63.75)" in markdown(at)
    at.radio(key="start_q_zero").set_value("no").run()
    assert ("round(63.75) = 64 and comes back as s · (64 − 63.75) = 0.003922: rounding moved "
            "the code by 0.25 of a step") in at.success[0].value


def test_the_zero_and_scale_steps_follow_the_questions_case(step, monkeypatch):
    # another case, [-0.7, 3] at 8 bits: s = 3.7/255, Z = 0.7 * 255 / 3.7 = 48.2432..., rounded
    # 48, 0.2432 of a step off; a sentence with 63.75 (or 4 / 255) typed in cannot follow it
    monkeypatch.setattr(path, "QUESTION_RANGE", (-0.7, 3.0, 8))
    z = lessons.unrounded_zero_point(-0.7, 3.0, 8)
    assert z == pytest.approx(0.7 * 255 / 3.7)
    trip = lessons.zero_trip("unrounded", -0.7, 3.0, 8)
    assert trip.code == 48
    at = step("zero")
    at.radio(key="start_q_zero").set_value("no").run()
    shown = markdown(at) + at.success[0].value
    assert "(48.24 in step 2)" in shown and "[-0.7, 3], 8 bits" in shown
    assert f"round(48.24) = 48 and comes back as s · (48 − 48.24) = {trip.x_hat:.4g}" in shown
    assert "by 0.2432 of a step" in shown and "63.75" not in shown
    at = step("scale", lang="zh")
    at.radio(key="start_q_scale").set_value("0").run()
    shown = markdown(at) + at.info[0].value
    assert "范围 [-0.7, 3]，8 位（码 0 … 255）" in shown
    assert "s = (3 − (-0.7)) / 255 = 0.01451" in shown and "Z = 48" in shown


def test_the_scale_questions_right_answer_is_the_cases_zero_point():
    # [-1, 3], 8 bits unsigned: Z = 0 - round(-1 / (4/255)) = round(63.75) = 64
    lo, hi, bits = path.QUESTION_RANGE
    qp = compute_qparams(lo, hi, QuantConfig(bits, "asymmetric", signed=False))
    answers, right = QUESTIONS["scale"]
    assert right == str(int(qp.zero_point)) == "64" and right in answers


def test_the_round_trip_question_and_the_calibration_example_take_their_numbers_from_the_steps():
    # step 1 draws ROUNDTRIP's bits (3): the question asks about them and its right answer is
    # 2^3 = 8; step 8's example tail is 100 - 99.9 = 0.1 % at each end
    from quantviz.studies import start as path
    from quantviz.ui import start as page
    bits = path.ROUNDTRIP[2]
    assert page.QUESTIONS["roundtrip"][1] == str(2**bits)
    assert page.question_fields("roundtrip") == {"bits": str(bits)}
    assert page.question_fields("calibration")["tail"] == "0.1"
