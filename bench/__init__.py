"""The benchmark of issue 8: `python bench/run.py` (see the README, "Benchmark")."""
