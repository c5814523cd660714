"""Escalation Review library: pure functions over Polars frames (no Streamlit here)."""
