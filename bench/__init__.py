"""Benchmarks (not tests). See bench/order_lifecycle.py and docs/PERFORMANCE.md."""
