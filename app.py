"""quantviz: page config and navigation over the pages in pages/, nothing else."""

import streamlit as st

from quantviz.ui.shell import home, nav_title, run_guarded, sidebar_state

st.set_page_config(page_title="quantviz", page_icon="🔢", layout="wide",
                   initial_sidebar_state=sidebar_state())
run_guarded(st.navigation({
    nav_title("section.basics"): [
        st.Page(home, title="quantviz", default=True, visibility="hidden"),
        st.Page("pages/start.py", title=nav_title("start"), icon="🧭", url_path="start"),
        st.Page("pages/learn.py", title=nav_title("learn"), icon="📖", url_path="learn"),
        st.Page("pages/explore.py", title=nav_title("explore"), icon="🔍", url_path="explore"),
        st.Page("pages/compare.py", title=nav_title("compare"), icon="⚖️", url_path="compare"),
        st.Page("pages/bits.py", title=nav_title("bits"), icon="📶", url_path="bits"),
    ],
    nav_title("section.calibrate"): [
        st.Page("pages/calibration.py", title=nav_title("calibration"), icon="🎯",
                url_path="calibration"),
        st.Page("pages/per_channel.py", title=nav_title("per_channel"), icon="🧱",
                url_path="per_channel"),
    ],
    nav_title("section.toolchains"): [
        st.Page("pages/toolchains.py", title=nav_title("toolchains"), icon="🧰",
                url_path="toolchains"),
        st.Page("pages/formats.py", title=nav_title("formats"), icon="🔣", url_path="formats"),
        st.Page("pages/gguf.py", title=nav_title("gguf"), icon="🦙", url_path="gguf"),
    ],
    nav_title("section.networks"): [
        st.Page("pages/layer.py", title=nav_title("layer"), icon="🧮", url_path="layer"),
        st.Page("pages/model.py", title=nav_title("model"), icon="🧠", url_path="model"),
        st.Page("pages/ptq.py", title=nav_title("ptq"), icon="🪜", url_path="ptq"),
        st.Page("pages/qat.py", title=nav_title("qat"), icon="🏋️", url_path="qat"),
        st.Page("pages/outliers.py", title=nav_title("outliers"), icon="📈",
                url_path="outliers"),
        st.Page("pages/checkpoint.py", title=nav_title("checkpoint"), icon="🗂️",
                url_path="checkpoint"),
    ],
}, position="top"))
