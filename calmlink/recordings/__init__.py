"""Every on-disk format calmlink reads or writes, each reader beside its writer.

A leaf package: numpy and the standard library (and fitdecode, imported only when a FIT file is
read), nothing else of calmlink, so sources, sessions and the command line can all use it without
pulling each other in.

- :mod:`.rr_text`: every recording file, format sniffed from the content (:mod:`.sniff`), then
  its reader (:mod:`.tables`, :mod:`.lists`, :mod:`.polar_hrm`, :mod:`.fit`, :mod:`.apple_health`);
  the plain one-interval-per-line writer.
- :mod:`.calmlink_csv`: calmlink's own beat-by-beat CSV export, read back with its gaps.
- :mod:`.packet_log`: raw notification logs (every 0x2A37 payload with its arrival time).
"""

from calmlink.recordings.rr_text import parse_rr_text, read_rr_file
from calmlink.recordings.series import RRFileError, RRSeries

__all__ = ["RRFileError", "RRSeries", "parse_rr_text", "read_rr_file"]
