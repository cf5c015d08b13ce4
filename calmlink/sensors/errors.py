"""Why Bluetooth cannot be used, with advice a person can act on.

Every BLE failure the user must fix reaches them as a :class:`BluetoothUnavailable` with a
:class:`Unavailable` reason and a sentence of advice; the CLI prints it without a traceback.
"""

from __future__ import annotations

import sys
from enum import Enum

from calmlink.sensors.models import ConnectionCause


class Unavailable(Enum):
    NO_ADAPTER = "no Bluetooth adapter"
    POWERED_OFF = "Bluetooth is off"
    DENIED = "Bluetooth access was denied"
    NO_SERVICE = "the Bluetooth service is not running"
    NOT_FOUND = "no heart-rate strap found"


def _advice(reason: Unavailable) -> str:
    if reason is Unavailable.POWERED_OFF:
        return "Switch Bluetooth on, then try again."
    if reason is Unavailable.DENIED:
        if sys.platform == "darwin":
            return ("Allow Bluetooth for your terminal in System Settings > Privacy & Security > "
                    "Bluetooth, then open a new terminal.")
        return "Give this program permission to use Bluetooth, then try again."
    if reason is Unavailable.NO_SERVICE:
        return ("Start the Bluetooth service (Linux: sudo systemctl start bluetooth), "
                "or run calmlink demo to try the app without a strap.")
    if reason is Unavailable.NOT_FOUND:
        return ("Wet the strap's electrodes, put it on (straps sleep until they touch skin), "
                "keep it within a few metres, and close other apps that may hold it.")
    return "Plug in or enable a Bluetooth adapter, or run calmlink demo to try the app without one."


CAUSES = {
    Unavailable.NO_ADAPTER: ConnectionCause.NO_ADAPTER,
    Unavailable.POWERED_OFF: ConnectionCause.BLUETOOTH_OFF,
    Unavailable.DENIED: ConnectionCause.PERMISSION_DENIED,
    Unavailable.NO_SERVICE: ConnectionCause.NO_BLUETOOTH_SERVICE,
    Unavailable.NOT_FOUND: ConnectionCause.NOT_FOUND,
}


class BluetoothUnavailable(RuntimeError):
    def __init__(self, reason: Unavailable, detail: str = "") -> None:
        self.reason = reason
        self.cause = CAUSES[reason]
        self.advice = _advice(reason)
        self.detail = detail
        super().__init__(f"{reason.value}. {self.advice}")


def from_exception(exc: BaseException) -> BluetoothUnavailable | None:
    """Map what bleak, dbus-fast or the OS raised to a reason, or None when it is not about access."""
    from bleak.exc import (
        BleakBluetoothNotAvailableError,
        BleakBluetoothNotAvailableReason,
        BleakDBusError,
    )

    if isinstance(exc, BluetoothUnavailable):
        return exc
    if isinstance(exc, BleakBluetoothNotAvailableError):
        mapping = {
            BleakBluetoothNotAvailableReason.POWERED_OFF: Unavailable.POWERED_OFF,
            BleakBluetoothNotAvailableReason.DENIED_BY_USER: Unavailable.DENIED,
            BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM: Unavailable.DENIED,
        }
        return BluetoothUnavailable(mapping.get(exc.reason, Unavailable.NO_ADAPTER), str(exc))
    if isinstance(exc, BleakDBusError):
        if exc.dbus_error == "org.bluez.Error.NotReady":
            return BluetoothUnavailable(Unavailable.POWERED_OFF, str(exc))
        if exc.dbus_error in ("org.freedesktop.DBus.Error.ServiceUnknown",
                              "org.freedesktop.DBus.Error.NameHasNoOwner"):
            return BluetoothUnavailable(Unavailable.NO_SERVICE, str(exc))
        if exc.dbus_error == "org.freedesktop.DBus.Error.AccessDenied":
            return BluetoothUnavailable(Unavailable.DENIED, str(exc))
    if isinstance(exc, (FileNotFoundError, ConnectionRefusedError)):
        return BluetoothUnavailable(Unavailable.NO_SERVICE, str(exc))
    if isinstance(exc, PermissionError):
        return BluetoothUnavailable(Unavailable.DENIED, str(exc))
    return None
