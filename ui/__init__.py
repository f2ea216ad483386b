"""The Streamlit layer: sign-in and page guard, caches, widgets, forms, charts and the screens' parts.

Imports run one way: pages and app.py import ui and core, ui imports core, core imports neither."""
