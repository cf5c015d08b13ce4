"""Pure numpy HRV: artifacts, metrics, the per-beat path, the relaxation gauge. No I/O."""
