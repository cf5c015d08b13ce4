"""The D-Bus objects of the emulated BlueZ: adapter, device and GATT interfaces, typed as BlueZ types
them (bleak reads these exact names and signatures). See :mod:`calmlink.testing.bluez`.

No ``from __future__ import annotations`` here: dbus-fast reads the D-Bus signatures, such as ``"s"``
or ``"a{sv}"``, from the annotations at run time.
"""

from collections.abc import Callable
from typing import Protocol

from dbus_fast import DBusError, PropertyAccess, Variant
from dbus_fast.service import ServiceInterface, dbus_property, method


class AdapterOwner(Protocol):
    """What the adapter object asks of the emulated BlueZ behind it."""

    def start_advertising(self) -> None: ...
    def stop_advertising(self) -> None: ...
    def forget(self, device_path: str) -> None: ...


class DeviceOwner(Protocol):
    """What a device object reads from, and asks of, the emulated strap behind it."""

    address: str
    advertised_name: str
    rssi: int
    connected: bool
    services_resolved: bool

    @property
    def advertised_uuids(self) -> list[str]: ...
    async def on_connect_request(self) -> None: ...
    def link_down(self) -> None: ...

ADAPTER_PATH = "/org/bluez/hci0"
HRS = "0000180d-0000-1000-8000-00805f9b34fb"
HRM = "00002a37-0000-1000-8000-00805f9b34fb"
BSL = "00002a38-0000-1000-8000-00805f9b34fb"
BAS = "0000180f-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL = "00002a19-0000-1000-8000-00805f9b34fb"
DIS = "0000180a-0000-1000-8000-00805f9b34fb"
MANUFACTURER = "00002a29-0000-1000-8000-00805f9b34fb"
MODEL = "00002a24-0000-1000-8000-00805f9b34fb"
CCCD = "00002902-0000-1000-8000-00805f9b34fb"


class Adapter(ServiceInterface):
    def __init__(self, bluez: AdapterOwner) -> None:
        super().__init__("org.bluez.Adapter1")
        self._bluez = bluez
        self.powered = True
        self.discovering = False
        self.filter_uuids: list[str] = []

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> "s":
        return "00:1A:7D:DA:71:13"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> "s":
        return "calmlink-test-adapter"

    @dbus_property(access=PropertyAccess.READ)
    def Alias(self) -> "s":
        return "calmlink-test-adapter"

    @dbus_property(access=PropertyAccess.READ)
    def Powered(self) -> "b":
        return self.powered

    @dbus_property(access=PropertyAccess.READ)
    def Discovering(self) -> "b":
        return self.discovering

    @dbus_property(access=PropertyAccess.READ)
    def Roles(self) -> "as":
        return ["central", "peripheral"]

    @dbus_property(access=PropertyAccess.READ)
    def UUIDs(self) -> "as":
        return []

    @method()
    def SetDiscoveryFilter(self, properties: "a{sv}") -> None:
        uuids = properties.get("UUIDs")
        self.filter_uuids = [u.lower() for u in uuids.value] if uuids is not None else []

    @method()
    def GetDiscoveryFilters(self) -> "as":
        return ["UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData", "Discoverable"]

    @method()
    def StartDiscovery(self) -> None:
        if not self.powered:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        self.discovering = True
        self.emit_properties_changed({"Discovering": True})
        self._bluez.start_advertising()

    @method()
    def StopDiscovery(self) -> None:
        if not self.discovering:
            raise DBusError("org.bluez.Error.Failed", "No discovery started")
        self.discovering = False
        self.emit_properties_changed({"Discovering": False})
        self._bluez.stop_advertising()

    @method()
    def RemoveDevice(self, device: "o") -> None:
        self._bluez.forget(device)


class Device(ServiceInterface):
    def __init__(self, strap: DeviceOwner) -> None:
        super().__init__("org.bluez.Device1")
        self._strap = strap

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> "s":
        return self._strap.address

    @dbus_property(access=PropertyAccess.READ)
    def AddressType(self) -> "s":
        return "random"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> "s":
        return self._strap.advertised_name

    @dbus_property(access=PropertyAccess.READ)
    def Alias(self) -> "s":
        return self._strap.advertised_name

    @dbus_property(access=PropertyAccess.READ)
    def Adapter(self) -> "o":
        return ADAPTER_PATH

    @dbus_property(access=PropertyAccess.READ)
    def UUIDs(self) -> "as":
        return list(self._strap.advertised_uuids)

    @dbus_property(access=PropertyAccess.READ)
    def RSSI(self) -> "n":
        return self._strap.rssi

    @dbus_property(access=PropertyAccess.READ)
    def ManufacturerData(self) -> "a{qv}":
        return {0x006B: Variant("ay", b"\x01\x02")}

    @dbus_property(access=PropertyAccess.READ)
    def ServiceData(self) -> "a{sv}":
        return {}

    @dbus_property(access=PropertyAccess.READ)
    def Connected(self) -> "b":
        return self._strap.connected

    @dbus_property(access=PropertyAccess.READ)
    def ServicesResolved(self) -> "b":
        return self._strap.services_resolved

    @dbus_property(access=PropertyAccess.READ)
    def Paired(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Bonded(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Trusted(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Blocked(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def LegacyPairing(self) -> "b":
        return False

    @method()
    async def Connect(self) -> None:
        await self._strap.on_connect_request()

    @method()
    async def Disconnect(self) -> None:
        self._strap.link_down()

    @method()
    def Pair(self) -> None:
        raise DBusError("org.bluez.Error.NotSupported", "pairing is not needed")


class GattService(ServiceInterface):
    def __init__(self, uuid: str, device_path: str) -> None:
        super().__init__("org.bluez.GattService1")
        self._uuid, self._device = uuid, device_path

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> "s":
        return self._uuid

    @dbus_property(access=PropertyAccess.READ)
    def Primary(self) -> "b":
        return True

    @dbus_property(access=PropertyAccess.READ)
    def Device(self) -> "o":
        return self._device

    @dbus_property(access=PropertyAccess.READ)
    def Includes(self) -> "ao":
        return []


class GattCharacteristic(ServiceInterface):
    def __init__(self, uuid: str, service_path: str, flags: list[str], value: bytes = b"",
                 on_write: Callable[[bytes], None] | None = None, mtu: int = 23) -> None:
        super().__init__("org.bluez.GattCharacteristic1")
        self._uuid, self._service, self._flags = uuid, service_path, flags
        self.value = value
        self.notifying = False
        self.on_write = on_write
        """What a write does; it may raise a DBusError, as BlueZ relays a strap's refusal."""
        self.mtu = mtu
        self.writes: list[bytes] = []

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> "s":
        return self._uuid

    @dbus_property(access=PropertyAccess.READ)
    def Service(self) -> "o":
        return self._service

    @dbus_property(access=PropertyAccess.READ)
    def Value(self) -> "ay":
        return self.value

    @dbus_property(access=PropertyAccess.READ)
    def Notifying(self) -> "b":
        return self.notifying

    @dbus_property(access=PropertyAccess.READ)
    def Flags(self) -> "as":
        return self._flags

    @dbus_property(access=PropertyAccess.READ)
    def MTU(self) -> "q":
        return self.mtu

    @method()
    def ReadValue(self, options: "a{sv}") -> "ay":
        return self.value

    @method()
    def WriteValue(self, value: "ay", options: "a{sv}") -> None:
        if self.on_write is None:
            raise DBusError("org.bluez.Error.NotPermitted", "Write not permitted")
        self.writes.append(bytes(value))
        self.on_write(bytes(value))

    @method()
    def StartNotify(self) -> None:
        self.notifying = True
        self.emit_properties_changed({"Notifying": True})

    @method()
    def StopNotify(self) -> None:
        self.notifying = False
        self.emit_properties_changed({"Notifying": False})

    def send(self, payload: bytes) -> None:
        self.value = payload
        self.emit_properties_changed({"Value": payload})


class GattDescriptor(ServiceInterface):
    def __init__(self, uuid: str, char_path: str) -> None:
        super().__init__("org.bluez.GattDescriptor1")
        self._uuid, self._char = uuid, char_path

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> "s":
        return self._uuid

    @dbus_property(access=PropertyAccess.READ)
    def Characteristic(self) -> "o":
        return self._char

    @dbus_property(access=PropertyAccess.READ)
    def Value(self) -> "ay":
        return b""

    @dbus_property(access=PropertyAccess.READ)
    def Flags(self) -> "as":
        return ["read", "write"]
