"""calmlink benchmarks: `make bench` runs them all and prints figures and ratios against peers."""
