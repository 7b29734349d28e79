"""The element-cost benchmark's page: one slider, one line that shows its value, and ``n``
unchanged elements of one ``kind`` (``?kind=metric&n=40``), redrawn on every rerun.

``benchmarks/element_cost.py`` serves it and times what each kind of element adds to a move
and to an unchanged rerun in the browser, though nothing about it changes.
"""

import streamlit as st


def _element(kind: str, i: int) -> None:
    if kind == "markdown":
        st.markdown(f"Static **text** number {i}, a sentence of moderate length.")
    elif kind == "metric":
        st.metric(f"metric {i}", f"{i * 1.5:.2f}", help="a tooltip")
    elif kind == "button":
        st.button(f"button {i}", key=f"button{i}")
    elif kind == "slider":
        st.slider(f"slider {i}", 0, 10, 5, key=f"slider{i}")
    elif kind == "slider_help":
        st.slider(f"slider {i}", 0, 10, 5, key=f"slider{i}", help="a tooltip")
    elif kind == "selectbox":
        st.selectbox(f"select {i}", ["one", "two", "three"], key=f"select{i}")
    elif kind == "segmented":
        st.segmented_control(f"segmented {i}", ["one", "two"], default="one", key=f"seg{i}")
    elif kind == "toggle":
        st.toggle(f"toggle {i}", key=f"toggle{i}", help="a tooltip")
    elif kind == "number":
        st.number_input(f"number {i}", value=0.5, key=f"number{i}")
    elif kind == "latex":
        st.latex(rf"x_{{{i}}} = \frac{{a}}{{b}} + \sqrt{{c}}")
    elif kind == "columns":  # a row block, two column blocks and a line in each
        left, right = st.columns(2)
        left.write(f"left {i}")
        right.write(f"right {i}")
    elif kind == "row":  # a flex row and two lines in it
        with st.container(horizontal=True):
            st.write(f"left {i}")
            st.write(f"right {i}")
    elif kind == "caption":  # a chart's sentence shown under it
        st.caption(f"Chart {i}: x from -1 to 1; count from 0 to {i}.")
    elif kind == "alt":  # a chart's sentence for a screen reader as the app once kept it: a
        # keyed container (a style sheet hid it) holding one line of Markdown
        st.container(key=f"alt_{i}").markdown(f"Chart {i}: x from -1 to 1; count from 0 to {i}.")
    elif kind == "alt_text":  # the same sentence as plain text (no Markdown to parse)
        st.container(key=f"alt_{i}").text(f"Chart {i}: x from -1 to 1; count from 0 to {i}.")
    elif kind == "page_link":  # a link to another page with a query string
        st.page_link(st.session_state["_elements_page"], label=f"page link {i}", icon="🧭",
                     query_params={"step": str(i)})


def _page() -> None:
    kind = st.query_params.get("kind", "none")
    n = int(st.query_params.get("n", "0"))
    value = st.slider("value", 0, 100, 50, key="value")
    st.markdown(f"value: {value}")
    for i in range(n if kind != "none" else 0):
        _element(kind, i)


_PAGE = st.Page(_page, title="elements", url_path="elements", default=True)
st.session_state["_elements_page"] = _PAGE
st.navigation([_PAGE]).run()
