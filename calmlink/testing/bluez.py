"""An emulated BlueZ on a private D-Bus, for testing calmlink's BLE code through bleak's real backend.

bleak on Linux speaks D-Bus to ``org.bluez`` on the system bus. :func:`private_system_bus` starts a
throw-away ``dbus-daemon`` and :class:`FakeBlueZ` owns ``org.bluez`` on it with one adapter and any
number of :class:`FakeStrap` devices. The straps expose the Heart Rate, Battery and Device Information
services at the object paths real BlueZ uses (bleak takes each handle from the path's last four hex
digits), send notifications as ``PropertiesChanged`` on ``Value``, and can be told to misbehave: go out
of range, come back, stall silently, lose the adapter's power.

Test-only, but shipped in the package so any project building on calmlink can test the same way.
Nothing here talks to a radio. (No ``from __future__ import annotations`` here: dbus-fast reads the
D-Bus signatures, such as ``"s"`` or ``"a{sv}"``, from the annotations at run time.)
"""

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbus_fast import BusType, DBusError
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface

from calmlink.testing.bluez_objects import (
    ADAPTER_PATH,
    BAS,
    BATTERY_LEVEL,
    BSL,
    CCCD,
    DIS,
    HRM,
    HRS,
    MANUFACTURER,
    MODEL,
    Adapter,
    Device,
    GattCharacteristic,
    GattDescriptor,
    GattService,
)
from calmlink.testing.bluez_pmd import FakePmd

_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
  </policy>
</busconfig>
"""


def dbus_daemon_path() -> str | None:
    return shutil.which("dbus-daemon")


@contextlib.contextmanager
def private_system_bus() -> Iterator[str]:
    """Start a private dbus-daemon, point ``DBUS_SYSTEM_BUS_ADDRESS`` at it, yield its address."""
    exe = dbus_daemon_path()
    if exe is None:
        raise FileNotFoundError("dbus-daemon is not installed (Debian: apt-get install dbus-daemon)")
    with tempfile.TemporaryDirectory(prefix="calmlink-dbus-") as tmp:
        config = Path(tmp) / "bus.conf"
        config.write_text(_CONFIG.format(socket=Path(tmp) / "bus"))
        proc = subprocess.Popen([exe, f"--config-file={config}", "--nofork", "--print-address=1"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        previous = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS")
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = address
        try:
            yield address
        finally:
            if previous is None:
                os.environ.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
            else:
                os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = previous
            proc.terminate()
            proc.wait(timeout=5)
            proc.stdout.close()


@dataclass
class FakeStrap:
    """One advertising device. ``heart_rate=False`` makes a non-heart-rate device (a speaker);
    ``pmd`` gives it Polar's measurement service streaming a simulated chest (see
    :mod:`calmlink.testing.bluez_pmd`; None: a strap without it, like every other make)."""

    address: str
    advertised_name: str
    heart_rate: bool = True
    battery_pct: int = 87
    rssi: int = -58
    in_range: bool = True
    connected: bool = False
    services_resolved: bool = False
    connect_count: int = 0
    bluez: "FakeBlueZ | None" = None
    _device: Device | None = None
    _gatt: list[tuple[str, ServiceInterface]] = field(default_factory=list)
    hrm: GattCharacteristic | None = None
    pmd: FakePmd | None = None

    @property
    def path(self) -> str:
        return f"{ADAPTER_PATH}/dev_{self.address.replace(':', '_')}"

    @property
    def advertised_uuids(self) -> list[str]:
        return [HRS, BAS, DIS] if self.heart_rate else ["0000110b-0000-1000-8000-00805f9b34fb"]

    @property
    def notifying(self) -> bool:
        return bool(self.hrm and self.hrm.notifying and self.connected)

    def _bus(self) -> MessageBus:
        assert self.bluez is not None and self.bluez.bus is not None
        return self.bluez.bus

    def advertise(self) -> None:
        if self._device is None:
            self._device = Device(self)
            self._bus().export(self.path, self._device)
        else:
            self.rssi += 1 if self.rssi < -50 else -1
            self._device.emit_properties_changed({"RSSI": self.rssi})

    async def on_connect_request(self) -> None:
        if self.bluez is not None and not self.bluez.adapter.powered:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        if not self.in_range:
            await asyncio.sleep(0.05)
            raise DBusError("org.bluez.Error.Failed", "Software caused connection abort")
        self.connect_count += 1
        self.connected = True
        assert self._device is not None
        self._device.emit_properties_changed({"Connected": True})
        self._export_gatt()
        self.services_resolved = True
        self._device.emit_properties_changed({"ServicesResolved": True})

    def _export_gatt(self) -> None:
        bus = self._bus()
        base = self.path
        objs: list[tuple[str, ServiceInterface]] = []
        if self.heart_rate:
            svc = f"{base}/service000c"
            self.hrm = GattCharacteristic(HRM, svc, ["notify"])
            objs += [(svc, GattService(HRS, base)), (f"{svc}/char000d", self.hrm),
                     (f"{svc}/char000d/desc000f", GattDescriptor(CCCD, f"{svc}/char000d")),
                     (f"{svc}/char0010", GattCharacteristic(BSL, svc, ["read"], b"\x01"))]
        bat = f"{base}/service0012"
        objs += [(bat, GattService(BAS, base)),
                 (f"{bat}/char0013", GattCharacteristic(BATTERY_LEVEL, bat, ["read", "notify"],
                                                     bytes([self.battery_pct])))]
        if self.pmd is not None:
            self.pmd.heart_rate_on = lambda: self.notifying
            objs += self.pmd.export(base)
        dis = f"{base}/service0016"
        objs += [(dis, GattService(DIS, base)),
                 (f"{dis}/char0017", GattCharacteristic(MANUFACTURER, dis, ["read"], b"Calm Labs\x00")),
                 (f"{dis}/char0019", GattCharacteristic(MODEL, dis, ["read"], b"Test Strap 1"))]
        for path, iface in objs:
            bus.export(path, iface)
        self._gatt = objs

    def link_down(self) -> None:
        """What BlueZ shows when a link drops: ServicesResolved off, then Connected off."""
        if not self.connected:
            return
        bus = self._bus()
        self.services_resolved = False
        assert self._device is not None
        self._device.emit_properties_changed({"ServicesResolved": False})
        self.connected = False
        self._device.emit_properties_changed({"Connected": False})
        for path, iface in reversed(self._gatt):
            bus.unexport(path, iface)
        self._gatt = []
        self.hrm = None
        if self.pmd is not None:
            self.pmd.link_down()

    def go_out_of_range(self) -> None:
        self.in_range = False
        self.link_down()

    def come_back(self) -> None:
        self.in_range = True

    def notify(self, payload: bytes) -> bool:
        """Send one notification if someone is subscribed; True when it went out."""
        if self.hrm is not None and self.notifying:
            self.hrm.send(payload)
            return True
        return False

    def remove(self) -> None:
        if self._device is not None:
            self._bus().unexport(self.path)
            self._device = None


class FakeBlueZ:
    """Owns ``org.bluez`` on the private bus; advertises its straps while discovery runs."""

    def __init__(self) -> None:
        self.bus: MessageBus | None = None
        self.adapter = Adapter(self)
        self.straps: list[FakeStrap] = []
        self._advertiser: asyncio.Task[None] | None = None

    async def start(self) -> "FakeBlueZ":
        self.bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
        self.bus.export(ADAPTER_PATH, self.adapter)
        await self.bus.request_name("org.bluez")
        return self

    def add_strap(self, address: str, name: str, **kwargs: Any) -> FakeStrap:
        strap = FakeStrap(address=address, advertised_name=name, bluez=self, **kwargs)
        self.straps.append(strap)
        return strap

    def start_advertising(self) -> None:
        if self._advertiser is None or self._advertiser.done():
            self._advertiser = asyncio.get_running_loop().create_task(self._advertise())

    def stop_advertising(self) -> None:
        if self._advertiser is not None:
            self._advertiser.cancel()

    async def _advertise(self) -> None:
        while self.adapter.discovering and self.adapter.powered:
            for strap in self.straps:
                if strap.in_range and not strap.connected and self._passes_filter(strap):
                    strap.advertise()
            await asyncio.sleep(0.1)

    def _passes_filter(self, strap: FakeStrap) -> bool:
        wanted = self.adapter.filter_uuids
        return not wanted or any(u in wanted for u in strap.advertised_uuids)

    def forget(self, device_path: str) -> None:
        for strap in self.straps:
            if strap.path == device_path:
                strap.link_down()
                strap.remove()

    def power(self, on: bool) -> None:
        """The adapter switched off (all links drop) or on."""
        self.adapter.powered = on
        if not on:
            for strap in self.straps:
                strap.link_down()
            if self.adapter.discovering:
                self.adapter.discovering = False
                self.adapter.emit_properties_changed({"Discovering": False})
        self.adapter.emit_properties_changed({"Powered": on})

    async def stop(self) -> None:
        self.stop_advertising()
        if self.bus is not None:
            self.bus.disconnect()
            self.bus = None
