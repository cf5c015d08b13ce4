"""Finding heart-rate straps: a scan by service (0x180D), never by brand, one at a time per loop.

bleak is imported only when a scan runs. Names are whatever a device advertises: untrusted text.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Any

from calmlink.sensors.errors import from_exception
from calmlink.sensors.hrs import HEART_RATE_SERVICE_UUID


@dataclass(frozen=True, slots=True)
class FoundDevice:
    """A strap seen in a scan. ``name`` is whatever the device advertises: untrusted text."""

    name: str | None
    address: str
    rssi: int | None


_SCAN_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = \
    weakref.WeakKeyDictionary()


def _scan_lock() -> asyncio.Lock:
    """One discovery at a time per event loop: with two straps (partner mode) both may be looking
    at once, and an adapter runs one discovery per client (BlueZ answers the second one's stop
    with "No discovery started")."""
    loop = asyncio.get_running_loop()
    lock = _SCAN_LOCKS.get(loop)
    if lock is None:
        lock = _SCAN_LOCKS[loop] = asyncio.Lock()
    return lock


async def discover(timeout: float) -> list[tuple[Any, FoundDevice]]:
    from bleak import BleakScanner

    try:
        async with _scan_lock():
            found = await BleakScanner.discover(timeout=timeout,
                                                service_uuids=[HEART_RATE_SERVICE_UUID],
                                                return_adv=True)
    except Exception as exc:
        mapped = from_exception(exc)
        if mapped is not None:
            raise mapped from exc
        raise
    out = [(device, FoundDevice(adv.local_name or device.name, device.address, adv.rssi))
           for device, adv in found.values()]
    out.sort(key=lambda pair: -(pair[1].rssi if pair[1].rssi is not None else -999))
    return out


async def scan(timeout: float = 5.0) -> list[FoundDevice]:
    """Heart-rate devices nearby, strongest signal first."""
    return [found for _, found in await discover(timeout)]


def matches(found: FoundDevice, target: str) -> bool:
    """A target is an address (any case) or a name (exact, else a case-insensitive part)."""
    t = target.strip().lower()
    if found.address.lower() == t:
        return True
    name = (found.name or "").lower()
    return bool(name) and (name == t or t in name)
