"""Every page under AppTest with text from outside: none of it is rendered as Markdown, and every
numeric control at its largest allowed value gives a page, not a traceback.

Text from outside is a file's name, a tensor's name in the file, and every URL value a page
reads as text (its Controls of kind text, select, radio and segmented, and the raw ``step`` of
Start). Each carries the hostile marks below. The rule (``quantviz.ui.i18n.plain``) escapes
them; a page that forgot it shows a mark unescaped in an element's Markdown body: markdown,
captions, alerts, metric labels and values, headings, expanders and tabs, widget labels and
help, radio options, ``st.table`` cells. Not checked: st.dataframe cells, a text_input's value,
selectbox options and code blocks, which Streamlit shows as plain text, the live figure (it
sets textContent only), and plotly figures.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save as save_safetensors

import quantviz.ui
from quantviz.ui.state import URL_NUMBER_MAX, Control
from tests.helpers import ok

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
#: Each is Markdown that would do something: an image fetched from outside, a link, a coloured
#: notice, raw HTML, and three autolinks (GFM). A backtick ends a code span early.
MARKS = ("![x](http://h/p.png)", "[t](http://evil)", ":red-background[x]", "<b>",
         "http://a.b", "www.a.b", "a@b.c")
PAYLOAD = " ".join(MARKS) + " `tick"
#: A GGUF tensor name holds at most 63 bytes.
SHORT = "![x](http://h/p.png)[t](http://evil)<b>a@b.c"
#: Element kinds whose text Streamlit never reads as Markdown.
PLAIN_KINDS = {"text_input", "text_area", "selectbox", "multiselect", "dataframe",
               "arrow_data_frame", "code", "json", "text", "plotly_chart", "html", "empty",
               "file_uploader", "event",
               # the live figure writes every string as textContent (tests/test_project.py
               # checks its script never writes HTML), so it gets the raw name
               "bidi_component"}
#: The source control that shows a page's uploader: (URL key, value).
UPLOAD_SOURCE = {"bits": ("src", "upload"), "calibration": ("src", "upload"),
                 "compare": ("src", "upload"), "explore": ("src", "upload"),
                 "formats": ("src", "upload"), "gguf": ("src", "upload"),
                 "toolchains": ("src", "upload"), "checkpoint": ("ck_src", "upload"),
                 "per_channel": ("pc_src", "upload"), "layer": ("ly_wsrc", "upload"),
                 "model": ("net", "upload"), "ptq": ("pq_src", "upload")}


def _controls() -> list[Control]:
    """Every Control of the ui modules (module level, in tuples and dicts too)."""
    found: dict[tuple, Control] = {}
    for module in pkgutil.iter_modules(quantviz.ui.__path__):
        if module.ispkg:
            continue
        for value in vars(importlib.import_module(f"quantviz.ui.{module.name}")).values():
            items = value.values() if isinstance(value, dict) else (
                value if isinstance(value, (tuple, list)) else (value,))
            for item in items:
                if isinstance(item, Control):
                    found[item.key, item.kind, item.hi] = item
    return list(found.values())


CONTROLS = _controls()
TEXT_KEYS = sorted({c.key for c in CONTROLS
                    if c.kind in ("text", "select", "radio", "segmented")} | {"step"})


def _largest(control: Control) -> str:
    top = min(control.hi, URL_NUMBER_MAX)
    return str(int(top)) if control.kind == "int" else repr(float(top))


#: Every numeric control (sliders, number inputs) at its largest allowed value; a key two
#: controls share takes the smaller of their largest values (both accept it).
LARGEST = {}
for _c in sorted((c for c in CONTROLS if c.kind in ("int", "float", "number")
                  and c.hi is not None), key=lambda c: -c.hi):
    LARGEST[_c.key] = _largest(_c)


def _strings(message, out: list[str]) -> list[str]:
    for _, value in message.ListFields():
        repeated = not isinstance(value, (str, bytes)) and not hasattr(value, "ListFields") \
            and hasattr(value, "__iter__")
        for v in (value if repeated else [value]):
            if isinstance(v, str):
                out.append(v)
            elif hasattr(v, "ListFields"):
                _strings(v, out)
    return out


def _nodes(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _nodes(child)


def rendered(at) -> list[tuple[str, str]]:
    """``(element kind, text)`` of every Markdown body that holds a mark unescaped."""
    bodies = []
    for node in _nodes(at._tree):
        kind, proto = getattr(node, "type", None), getattr(node, "proto", None)
        if kind in PLAIN_KINDS or proto is None:
            continue
        bodies += [(kind, s) for s in _strings(proto, [])]
    for table in at.table:  # st.table's cells are Markdown (they travel as Arrow bytes)
        frame = _shown(table)
        bodies += [("table", str(v)) for v in [*frame.columns, *frame.to_numpy().ravel()]]
    return [(kind, text) for kind, text in bodies if any(m in text for m in MARKS)]


def _shown(table):
    """What a table shows: a styled table's display values (the cells as formatted, which the
    browser draws), else its data."""
    import pyarrow as pa

    styler = table.proto.arrow_data.styler
    if styler.display_values:
        return pa.ipc.open_stream(styler.display_values).read_all().to_pandas()
    return table.value


def _safetensors() -> bytes:
    rng = np.random.default_rng(0)
    return save_safetensors({PAYLOAD: rng.standard_normal((16, 32)).astype(np.float32),
                             "w" + PAYLOAD: rng.standard_normal(64).astype(np.float32)})


def _gguf() -> bytes:
    from quantviz import gguf
    from quantviz.gguf_file import write_gguf

    x = np.random.default_rng(1).standard_normal((2, 32)).astype(np.float32)
    return write_gguf({SHORT: ("Q8_0", gguf.quantize(x, "Q8_0"), x.shape)})


def _file_for(uploader) -> tuple[str, bytes]:
    types = list(uploader.proto.type)
    if types and all("gguf" in t for t in types):
        return SHORT + ".gguf", _gguf()
    return PAYLOAD + ".safetensors", _safetensors()


def test_the_walk_covers_every_page_and_every_text_control():
    assert len(PAGES) >= 16 and set(UPLOAD_SOURCE) <= set(PAGES)
    assert "ck_filter" in TEXT_KEYS and "src" in TEXT_KEYS and len(TEXT_KEYS) > 40
    assert {"fx0", "pc_in", "ly_in", "gblock"} <= set(LARGEST)
    # the check itself: an escaped mark passes, an unescaped one is caught
    from quantviz.ui.i18n import plain

    assert not any(m in plain(PAYLOAD) for m in MARKS)


@pytest.mark.parametrize("page", PAGES)
def test_no_url_value_renders_as_markdown(app_test, page):
    at = app_test(page=page, query={key: PAYLOAD for key in TEXT_KEYS})
    at.run()
    ok(at, errors=False)
    assert rendered(at) == []


@pytest.mark.parametrize("page", sorted(UPLOAD_SOURCE))
def test_no_file_or_tensor_name_renders_as_markdown(app_test, page):
    key, value = UPLOAD_SOURCE[page]
    at = app_test(page=page, query={key: value})
    at.run()
    uploaders = at.get("file_uploader")
    assert uploaders, page
    for uploader in uploaders:
        name, data = _file_for(uploader)
        uploader.set_value((name, data, "application/octet-stream"))
    at.run()
    ok(at, errors=False)
    assert rendered(at) == []
    shown = " ".join(s for node in _nodes(at._tree) if getattr(node, "proto", None) is not None
                     for s in _strings(node.proto, []))
    assert "tick" in shown, page  # the name did reach the page (escaped: "\\`tick")


@pytest.mark.parametrize("page", PAGES)
def test_every_numeric_control_at_its_largest_value_gives_a_page(app_test, page):
    at = app_test(page=page, query=LARGEST)
    at.run()
    ok(at, errors=False)  # no exception; a refusal is a sentence
