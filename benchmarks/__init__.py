"""The benchmarks, apart from the product: `python -m strain.bench` runs them (see benchmarks/run.py)."""
