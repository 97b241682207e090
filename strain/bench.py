"""`python -m strain.bench`, the benchmark's documented command; its code lives apart, in benchmarks/."""

from benchmarks.run import main

if __name__ == "__main__":
    main()
