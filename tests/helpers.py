"""Readers and checks shared by the page tests (Streamlit's AppTest).

Each takes a finished ``AppTest`` run (``at``) and returns what a person would read on the
page, or asserts that the run is clean. Page runs themselves come from the ``run_page``
fixture in conftest.py.
"""

from __future__ import annotations

import io
import json

import numpy as np

from quantviz.ui.i18n import TABLE


def ok(at, errors: bool = True) -> None:
    """The run raised no exception and, unless ``errors`` is False, showed no error message."""
    assert not at.exception, [e.message for e in at.exception]
    if errors:
        assert not at.error, [e.value for e in at.error]


def en(key: str, **fmt) -> str:
    """The English text of ``key``, formatted with ``fmt`` when given."""
    text = TABLE[key][0]
    return text.format(**fmt) if fmt else text


def zh(key: str, **fmt) -> str:
    """The Chinese text of ``key``, formatted with ``fmt`` when given."""
    text = TABLE[key][1]
    return text.format(**fmt) if fmt else text


def metric(at, label: str) -> str:
    """The value of the one metric labelled ``label``."""
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, [m.label for m in at.metric]
    return values[0]


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def english_in_formulas(at) -> list[str]:
    """The words in Latin letters that the page's formulas (st.latex, and $...$ in Markdown
    and captions) set in ``\\text{...}``: on a Chinese page there should be none."""
    import re

    bodies = [e.value for e in (*at.latex, *at.markdown, *at.caption)]
    return [word for body in bodies for word in re.findall(r"\\text\{([^}]*)\}", body)
            if re.search(r"[A-Za-z]", word)]


def charts(at) -> list[dict]:
    """The page's plotly figures in page order, as plotly JSON."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def title_of(spec: dict) -> str:
    """A figure's title as written, without the line breaks ``present`` wraps it with."""
    return spec["layout"]["title"]["text"].replace("<br>", "")


def charts_by_title(at) -> dict[str, dict]:
    """The page's plotly figures by their title text (unwrapped, see :func:`title_of`)."""
    return {title_of(s): s for s in charts(at)}


def npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    """``array`` as the bytes of an .npy file."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def upload(at, name: str, data: bytes):
    """Put ``data`` as the file ``name`` into the page's (first) file uploader and rerun.

    Only an exception fails here: error messages are what some upload tests look for.
    """
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream"))
    at.run()
    ok(at, errors=False)
    return at


def vertical_ticks(trace) -> tuple[list[float], set[float]]:
    """A trace of vertical segments, ``(x, x, NaN)`` against ``(y0, y1, NaN)`` per segment:
    the x of each segment and the set of its y ends (asserting that shape)."""
    xs, ys = np.asarray(trace.x, np.float64), np.asarray(trace.y, np.float64)
    assert xs.size == ys.size and xs.size % 3 == 0
    assert np.isnan(xs[2::3]).all() and np.isnan(ys[2::3]).all()  # a gap after each segment
    assert np.array_equal(xs[0::3], xs[1::3])  # vertical: both ends at one x
    return list(xs[0::3]), set(ys[0::3]) | set(ys[1::3])


def rendered(text: str) -> str:
    """What markdown shows of ``text``: each backslash escape (as ``plain`` writes for text
    from outside) read as the character it escapes."""
    import re

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
