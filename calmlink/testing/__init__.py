"""Test helpers shipped with calmlink: an emulated BlueZ for BLE tests without a radio."""
