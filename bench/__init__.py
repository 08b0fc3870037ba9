"""Benchmarks: newsflow's throughput, incremental cost, scale and memory against their bounds."""
