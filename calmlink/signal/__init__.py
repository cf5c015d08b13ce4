"""Pure numpy/scipy HRV: artifacts, metrics, streaming state, relaxation gauge. No I/O."""
