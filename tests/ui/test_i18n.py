"""The text table: every key in English and Chinese, and every key the code uses exists."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import quantviz.ui
from quantviz.distributions import DISTRIBUTIONS
from quantviz.ui import controls, explore, shell
from quantviz.ui.i18n import LANGUAGES, TABLE, _load
from quantviz.ui.state import Control

UI = Path(quantviz.ui.__file__).parent
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
MATH = {"max", "min", "abs", "log", "exp", "sqrt", "round", "clip", "rint", "floor", "scale",
        "bits"}
FIELD = re.compile(r"\{(\w*)[^{}]*\}")
# t("key") or t('key'), and t(f"prefix.{name}.suffix") for keys built at run time
LITERAL = re.compile(r"""\bt\(\s*(["'])([^"'{}]+)\1""")
FSTRING = re.compile(r"""\bt\(\s*f(["'])([^"']+)\1""")


def _sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(UI.glob("*.py"))}


def _ui_controls() -> list[Control]:
    """Every Control defined at module level in quantviz.ui, each distribution's sliders and
    the Compare page's per-configuration controls."""
    found: list[Control] = []
    for info in pkgutil.iter_modules(quantviz.ui.__path__):
        module = importlib.import_module(f"quantviz.ui.{info.name}")
        found += [v for v in vars(module).values() if isinstance(v, Control)]
    for key in DISTRIBUTIONS:
        found += controls.param_controls(key)
    from quantviz.ui import compare

    for i in range(1, len(compare.DEFAULTS) + 1):
        found += list(vars(compare.config_controls(i)).values())
    return list(dict.fromkeys(found))


def test_every_key_has_english_and_real_chinese():
    assert set(LANGUAGES) == {"en", "zh"}
    for key, (english, chinese) in TABLE.items():
        assert english.strip() and chinese.strip(), key
        if not CJK.search(chinese):
            # only names, symbols and formulas may stay untranslated (MinMax, MSE, max |x|)
            words = set(re.findall(r"\b[a-z]{3,}\b", FIELD.sub("", english)))
            assert words <= MATH, (key, english, chinese)


def test_both_languages_fill_the_same_fields():
    for key, (english, chinese) in TABLE.items():
        assert sorted(FIELD.findall(english)) == sorted(FIELD.findall(chinese)), key


def test_the_table_is_merged_from_every_texts_module_without_collisions():
    # _load raises on a key defined twice; reloading proves the current modules merge cleanly
    assert _load() == TABLE
    assert len(TABLE) > 150


def test_every_literal_key_used_in_the_ui_exists():
    used = {}
    for name, text in _sources().items():
        for match in LITERAL.finditer(text):
            used.setdefault(match.group(2), name)
    assert len(used) > 50
    missing = {key: where for key, where in used.items() if key not in TABLE}
    assert not missing


def test_every_key_built_at_run_time_matches_some_key():
    patterns = {}
    for name, text in _sources().items():
        for match in FSTRING.finditer(text):
            template = match.group(2)
            regex = re.escape(template)
            regex = re.sub(r"\\\{[^}]*\\\}", r"[^.]+", regex)
            patterns[template] = (re.compile(f"^{regex}$"), name)
    assert "preset.{name}" in patterns
    for template, (regex, where) in patterns.items():
        assert any(regex.match(k) for k in TABLE), (template, where)


def test_the_explore_keys_built_at_run_time_all_exist():
    for name in explore.PRESETS:
        assert f"preset.{name}" in TABLE and f"preset.{name}.help" in TABLE
    for page in ("explore",):
        for part in ("nav", "title", "intro"):
            assert f"{page}.{part}" in TABLE
    for key in DISTRIBUTIONS:
        assert f"dist.{key}" in TABLE and f"dist.{key}.desc" in TABLE


@pytest.mark.parametrize("control", _ui_controls(), ids=lambda c: c.key)
def test_every_control_has_its_label_help_and_option_labels(control):
    assert control.label in TABLE
    if control.help:
        assert control.help in TABLE
        # a number in a help text comes from the code: every field is filled by help_values
        for text in TABLE[control.help]:
            fields = {m.group(1) for m in FIELD.finditer(text)}
            assert fields <= set(dict(control.help_values)), (control.key, fields)
            text.format(**dict(control.help_values))
    for option in control.options:
        if isinstance(option, (int, float)):
            continue  # numbers read the same in both languages
        key = f"{control.option_prefix or control.label}.{option}"
        assert key in TABLE, key


def test_option_labels_switch_language(app_test):
    # through a real run: the scheme buttons and the language switch read in Chinese
    at = app_test("explore", {"lang": "zh"})
    at.run()
    assert not at.exception
    assert at.button_group(key="scheme").label == TABLE["scheme.label"][1]
    assert at.button_group(key="scheme").options == [
        TABLE["scheme.label.asymmetric"][1], TABLE["scheme.label.symmetric"][1]]
    assert at.selectbox(key="calib").options[0] == TABLE["calib.label.minmax"][1]


def test_each_distribution_parameter_has_its_own_label():
    for key in DISTRIBUTIONS:
        for control in controls.param_controls(key):
            assert control.label != "param.generic", control.key


def test_the_language_switch_is_itself_bilingual():
    assert [TABLE[f"{shell.LANG.label}.{code}"][0] for code in shell.LANG.options] == [
        "English", "中文"]


def test_chinese_bold_spans_close_before_a_letter():
    # "**少数张量占主导：**39" is not bold in CommonMark (a closing ** after punctuation needs
    # white space or punctuation after it): the loader moves the colon out of the span
    from quantviz.ui.i18n import bold_outside_punctuation

    assert bold_outside_punctuation("**少数张量占主导：**39 个") == "**少数张量占主导**：39 个"
    assert bold_outside_punctuation("**网络：** 一个") == "**网络：** 一个"  # space follows: fine
    assert bold_outside_punctuation("**答对了。**") == "**答对了。**"  # end of text: fine
    from quantviz.ui.i18n import _BOLD, _CJK_PUNCT

    def closes_badly(zh: str) -> bool:
        return any(m.group(1)[-1] in _CJK_PUNCT and zh[m.end():m.end() + 1].strip()
                   for m in _BOLD.finditer(zh))

    assert closes_badly("**少数张量占主导：**39 个")  # the check can fail
    assert [k for k, (_, zh) in TABLE.items() if closes_badly(zh)] == []


def test_plain_leaves_no_markdown_mark_and_no_autolink_unescaped():
    from quantviz.ui.i18n import plain

    name = ("![x](http://h/p.png) [a](b) :red-background[N] www.x.com a@b `c` <b> & - \n"
            "\ud800")
    out = plain(name)
    # every ASCII punctuation mark comes after a backslash; line breaks are spaces
    for i, ch in enumerate(out):
        if ch in "!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~":
            assert out[i - 1] == "\\", (i, out)
    assert "\n" not in out and "http\\:\\/\\/h" in out and "www\\.x" in out and "a\\@b" in out
    assert out.endswith("\ufffd")  # a lone surrogate cannot be sent: shown as U+FFFD
    out.encode("utf-8")
