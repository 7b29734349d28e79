"""One text table for every string a person reads, in English and in Chinese.

Each module in ``quantviz.ui.texts`` defines ``TEXT = {key: (english, chinese)}``; they are
merged here once, and a key defined twice is an error. :func:`t` looks a key up in the language
chosen in the sidebar (``st.session_state["lang"]``, bound to the URL).
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import streamlit as st

from quantviz.present.formulas import WORDS
from quantviz.ui import texts

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}


#: A bold span, ``**...**`` (the texts never nest them).
_BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")
#: Full-width punctuation that may end a Chinese bold span.
_CJK_PUNCT = "，。：；！？、）》」』"


def bold_outside_punctuation(text: str) -> str:
    """Move full-width punctuation that ends a bold span to just after it.

    CommonMark closes ``**`` only when it is "right-flanking": a closing ``**`` after a
    punctuation mark must be followed by white space or punctuation. In Chinese the next
    character is usually a letter (``**少数张量占主导：**39 个``), so the asterisks were shown
    as they are. ``**少数张量占主导**：39`` reads the same and renders bold. Spans followed by
    white space or the end of the text are left as they are.
    """
    def fix(m: re.Match) -> str:
        inner, after = m.group(1), text[m.end():m.end() + 1]
        if inner[-1] in _CJK_PUNCT and after and not after.isspace():
            return f"**{inner[:-1]}**{inner[-1]}"
        return m.group(0)

    return _BOLD.sub(fix, text)


def _load() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(texts.__path__):
        module = importlib.import_module(f"{texts.__name__}.{info.name}")
        for key, pair in module.TEXT.items():
            if key in table:
                raise ValueError(f"text key {key!r} is defined twice (again in {info.name})")
            if len(pair) != 2 or not all(pair):
                raise ValueError(f"text key {key!r} needs an English and a Chinese string")
            table[key] = (pair[0], bold_outside_punctuation(pair[1]))
    return table


TABLE: dict[str, tuple[str, str]] = _load()


def lang() -> str:
    """The current language code ("en" or "zh")."""
    value = st.session_state.get("lang", "en")
    return value if value in LANGUAGES else "en"


def t(key: str, **values: object) -> str:
    """The string ``key`` in the current language, with ``{name}`` fields filled from ``values``.

    An unknown key raises ``KeyError`` (a test checks that every key the code uses exists).
    """
    english, chinese = TABLE[key]
    text = chinese if lang() == "zh" else english
    return text.format(**values) if values else text


def t_count(key: str, n: float, shown: str | None = None) -> str:
    """``key`` for a count of ``n`` things, with ``{n}`` filled by ``shown`` (default ``n``).

    English has a singular: when the number shown reads "1" the key ``key + ".one"`` is used
    ("1 byte", "2 bytes"); Chinese has none, so its two strings are the same.
    """
    text = f"{n:,}" if shown is None else shown
    return t(key + ".one" if text == "1" else key, n=text)


def formula_words() -> dict[str, str]:
    """The words the formulas carry (:data:`quantviz.present.formulas.WORDS`) in the current
    language, from the keys ``formula.<word>``."""
    return {word: t(f"formula.{word}") for word in WORDS}


def has(key: str) -> bool:
    return key in TABLE


#: Every ASCII punctuation mark, each of which CommonMark lets a backslash make literal. Not
#: only the marks that open a construct (emphasis, code, links and images, raw HTML, tables,
#: LaTeX, Streamlit's ``:color[...]`` directives and ``:shortcode:`` emoji): GitHub's
#: autolinks need none of those (``www.host``, ``name@host``, ``http://host``), so the ``.``,
#: ``@`` and ``:`` that make them are escaped too, and ``-``, ``+`` and ``=`` that start a list
#: or an underline at the start of a table cell or a metric.
_MARKDOWN = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: The escape of each mark, and a space for each line break (a name is one line of text).
_ESCAPES = {**{ord(ch): "\\" + ch for ch in _MARKDOWN}, ord("\r"): " ", ord("\n"): " ",
            ord("\u2028"): " ", ord("\u2029"): " "}


def plain(text: object) -> str:
    """``text`` from a file or a link (a tensor or file name, a filter, a header cell) made
    literal for Markdown: the one rule for text from outside.

    st.markdown, st.caption, st.error, st.metric, st.table cells and widget labels read
    Markdown, so a tensor named ``![x](http://host/pixel.png)`` would load an image,
    ``[click](http://...)`` be a link, ``www.host`` or ``http://host`` an autolink and
    ``:red-background[...]`` fake a notice. Every ASCII punctuation mark is backslash-escaped
    and line breaks become spaces: what the file says is shown as plain text, character for
    character. A lone surrogate (which no page could send) is shown as U+FFFD.
    """
    out = str(text).translate(_ESCAPES)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        out = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in out)
    return out
