"""The only streamlit-aware code of quantviz: controls, caching, text table, page sections."""
