"""quantviz: page config and navigation over the pages in pages/, nothing else."""

import streamlit as st

from quantviz.ui.shell import home, nav_title, sidebar_state

st.set_page_config(page_title="quantviz", page_icon="🔢", layout="wide",
                   initial_sidebar_state=sidebar_state())
st.navigation([
    st.Page(home, title="quantviz", default=True, visibility="hidden"),
    st.Page("pages/explore.py", title=nav_title("explore"), icon="🔍", url_path="explore"),
]).run()
