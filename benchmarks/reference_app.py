"""The interaction benchmark's yardstick: a plain Streamlit page with one slider and four charts.

Four plotly bar charts of 200 bars each, redrawn from the slider's value on every move, and
nothing else: what any Streamlit page with that much on screen costs, against which
``benchmarks/bench_interaction.py`` sets each page of the app.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

BARS = 200


def _chart(k: int, bits: int) -> go.Figure:
    rng = np.random.default_rng(1000 * k + bits)
    counts = np.histogram(rng.standard_normal(10_000) * bits, bins=BARS)[0]
    return go.Figure(go.Bar(x=np.arange(BARS), y=counts),
                     layout={"title": f"chart {k + 1} at {bits} bits", "height": 320})


def _page() -> None:
    st.title("reference")
    bits = st.sidebar.slider("Bits", 2, 16, 8, key="bits")
    left, right = st.columns(2)
    for k in range(4):
        with (left if k % 2 == 0 else right):
            st.plotly_chart(_chart(k, bits), key=f"chart{k}")


st.navigation([st.Page(_page, title="reference", url_path="reference", default=True)]).run()
