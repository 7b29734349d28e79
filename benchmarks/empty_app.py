"""The baseline for the load test: the smallest app shaped like ours (navigation, one slider).

``scripts/load_test.py`` drives it exactly as it drives the Explore page, so that the cost of a
rerun of the real page reads as a ratio to what Streamlit itself costs per rerun.
"""

import streamlit as st


def _page() -> None:
    value = st.slider("value", 0, 100, 50, key="value")
    st.write(value)


st.navigation([st.Page(_page, title="empty", url_path="empty", default=True)]).run()
