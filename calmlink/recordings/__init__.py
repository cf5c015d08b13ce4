"""Every on-disk format calmlink reads or writes, each reader beside its writer.

A leaf package: numpy and the standard library only, nothing else of calmlink, so sources, sessions
and the command line can all use it without pulling each other in.

- :mod:`.rr_text`: RR text dialects (plain lists, time/RR CSV, Polar Sensor Logger, Kubios,
  Elite HRV), format detected from the content; the plain one-interval-per-line writer.
- :mod:`.calmlink_csv`: calmlink's own beat-by-beat CSV export, read back with its gaps.
- :mod:`.packet_log`: raw notification logs (every 0x2A37 payload with its arrival time).
"""

from calmlink.recordings.rr_text import parse_rr_text, read_rr_file
from calmlink.recordings.series import RRFileError, RRSeries

__all__ = ["RRFileError", "RRSeries", "parse_rr_text", "read_rr_file"]
