"""National-scale benchmarks: ``make bench`` → ``docs/performance.md``.

Speed is measured here, as medians and ratios over real registries of
national size, never as timed tests.
"""
