"""Route expectations of the Prometheus endpoint (issue 21, part 6): served on the government network to any
caller (aggregates only, no personal data; a token may be required by setting), 404 in the internet zone.
"""

from tests.access import EVERYONE, ok

EXPECTATIONS = {
    "metrics": ok(EVERYONE),
}
