"""Heart-rate sources: BLE, simulator, replay, behind one protocol."""
