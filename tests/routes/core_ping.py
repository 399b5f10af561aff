"""Route expectations of the minimal JSON view (``/ping``), the baseline of bench/checkin.py."""

from tests.access import EVERYONE, ok

EXPECTATIONS = {
    "ping": ok(EVERYONE),
}
