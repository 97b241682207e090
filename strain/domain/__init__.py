"""The domain: the catalogue, the strain model and every rule about a person's days, in plain typed Python.

It imports nothing from the other layers (storage, use cases, rendering, the command line) and never streamlit.
"""
