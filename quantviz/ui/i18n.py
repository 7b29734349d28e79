"""One text table for every string a person reads, in English and in Chinese.

Each module in ``quantviz.ui.texts`` defines ``TEXT = {key: (english, chinese)}``; they are
merged here once, and a key defined twice is an error. :func:`t` looks a key up in the language
chosen in the sidebar (``st.session_state["lang"]``, bound to the URL).
"""

from __future__ import annotations

import importlib
import pkgutil

import streamlit as st

from quantviz.formulas import WORDS
from quantviz.ui import texts

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}


def _load() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(texts.__path__):
        module = importlib.import_module(f"{texts.__name__}.{info.name}")
        for key, pair in module.TEXT.items():
            if key in table:
                raise ValueError(f"text key {key!r} is defined twice (again in {info.name})")
            if len(pair) != 2 or not all(pair):
                raise ValueError(f"text key {key!r} needs an English and a Chinese string")
            table[key] = pair
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
    """The words the formulas carry (:data:`quantviz.formulas.WORDS`) in the current language,
    from the keys ``formula.<word>``."""
    return {word: t(f"formula.{word}") for word in WORDS}


def has(key: str) -> bool:
    return key in TABLE


#: The marks that open a Markdown construct inside a line (CommonMark emphasis, code, links
#: and images, autolinks and raw HTML, GFM tables and strikethrough, LaTeX, Streamlit's
#: ``:color[...]`` directives and ``:shortcode:`` emoji); a backslash makes each literal.
#: A name is never at the start of a line, so list and heading markers need no escape.
_MARKDOWN = frozenset("\\`*_[]()<>#!|:~$")


def plain(text: object) -> str:
    """``text`` from a file (a tensor name, a member, a header cell) made literal for Markdown.

    st.markdown, st.caption, st.error and widget labels read Markdown, so a tensor named
    ``![x](http://host/pixel.png)`` would load an image, ``[click](http://...)`` be a link and
    ``:red-background[...]`` fake a notice. Each punctuation mark is backslash-escaped and
    newlines become spaces: what the file says is shown as plain text, character for character.
    """
    out = []
    for ch in str(text):
        if ch in _MARKDOWN:
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)
