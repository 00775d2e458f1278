"""Benchmarks of the engine (``python -m deluge bench [--regex]``); never imported by it."""
