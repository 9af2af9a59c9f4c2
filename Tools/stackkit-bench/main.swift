// Placeholder until the benchmarks land.
print("stackkit-bench: not yet")
