"""Benchmarks: scripts that build their own data and servers and print figures (no assertions)."""
