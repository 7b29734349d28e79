"""The Learn page in real Chromium: formulas render, the pictures draw, a question is answered
and revealed, and the page reads in Chinese. Screenshots go to artifacts/screenshots/learn-*.png.
"""

from __future__ import annotations

from quantviz.quantize import QuantConfig
from quantviz.studies import lessons
from tests.e2e.browser import assert_clean, wait_until


def quiz(pg, heading: str):
    """The bordered box of one question: the innermost block that holds its heading."""
    return pg.locator("[data-testid=stVerticalBlock]").filter(has_text=heading).last


def test_the_page_renders_formulas_pictures_and_sources(open_app):
    pg = open_app("learn")
    assert_clean(pg)
    assert pg.locator(".js-plotly-plot").count() == 3  # two pictures, the padding chart
    assert pg.locator(".katex-display").count() >= 30  # every formula typeset, none raw
    assert pg.locator(".katex-error").count() == 0  # KaTeX marks what it cannot parse
    headers = pg.locator("h1, h2").all_inner_texts()
    assert "1. Two ways to map floats onto integers" in headers and "Sources" in headers
    assert pg.get_by_role("link", name="Distiller documentation on quantization").count() == 1
    assert pg.shot("learn-default").exists()
    pg.locator("h3").filter(has_text="See it happen: zero padding").scroll_into_view_if_needed()
    pg.shot("learn-padding")
    pg.locator("h2").filter(has_text="6. What the notes leave out").scroll_into_view_if_needed()
    pg.shot("learn-gaps")


def test_the_corrected_lessons_show_their_numbers(open_app):
    pg = open_app("learn")
    assert_clean(pg)
    # the notes' convention and its slip wait in "Other conventions": PyTorch's Z comes first
    others = pg.locator("summary").filter(has_text="Other conventions")
    others.scroll_into_view_if_needed()
    others.click()
    pg.wait_idle()
    box = pg.locator("[data-testid=stExpanderDetails]").filter(has_text="The notes' zp.")
    # [-1, 3], 8 bits: the notes' zp = round(-63.75) = -64, PyTorch's Z = 64 = -zp
    assert "Here zp = -64 and Z = 64." in box.inner_text()
    slip = pg.locator("[data-testid=stAlert]").filter(has_text="a slip in the notes")
    slip.scroll_into_view_if_needed()
    assert "the notes' zp is subtracted, PyTorch's Z is added" in slip.inner_text()
    pg.shot("learn-zero-point-meanings")
    rules = pg.get_by_text("Which toolchain divides by what.")
    rules.scroll_into_view_if_needed()
    pg.shot("learn-symmetric-rules")
    assert pg.get_by_text("Only PyTorch's Python observers divide by 127.5.").count() == 1
    pg.locator("h2").filter(has_text="7. In practice").scroll_into_view_if_needed()
    pg.shot("learn-pytorch-defaults")
    assert pg.get_by_text("What PyTorch itself uses.").count() == 1


def test_predict_then_reveal_the_wasted_codes(open_app):
    pg = open_app("learn?bits=4")
    box = quiz(pg, "Predict, then reveal: which codes are wasted?")
    assert "Unreachable" not in box.inner_text()
    box.get_by_text("the negative codes, q_min … −1").click()
    pg.wait_idle()
    box.get_by_role("button", name="Reveal the answer").click()
    pg.wait_idle()
    spans = lessons.wasted_code_spans(0.0, 6.0, QuantConfig(4, "symmetric", signed=True))
    assert spans == ((-8, -1),)
    text = wait_until(pg, lambda: "Unreachable" in box.inner_text() and box.inner_text(),
                      "learn-failed-reveal")
    assert "Right." in text and "Unreachable: -8..-1, that is 8 of 16 codes." in text
    assert "quiz_codes=negative" in pg.url and "bits=4" in pg.url
    assert_clean(pg)
    box.scroll_into_view_if_needed()
    pg.shot("learn-quiz-revealed")


def test_the_page_reads_in_chinese(open_app):
    pg = open_app("learn?lang=zh")
    assert_clean(pg)
    assert pg.locator("h1").first.inner_text() == "学习：一步步理解线性量化，数字实时计算"
    assert "揭晓答案" in pg.get_by_role("button").all_inner_texts()
    pg.shot("learn-zh")
