"""Route expectations of the dashboards (issue 6 §5, §6): the bureau's and each agency's dashboard, the
enterprise's burden meter, the public burden figures and their API. No objects are needed: empty
rollups still render every panel.
"""

from tests.access import AGENCY_MANAGERS, COUNTY, EVERYONE, ok

EXPECTATIONS = {
    "dashboards:overview": ok(COUNTY, AGENCY_MANAGERS),
    "dashboards:regions": ok(COUNTY, AGENCY_MANAGERS),  # the region filter's next level (htmx fragment)
    "dashboards_enterprise:burden": ok("enterprise"),
    "dashboards_public:burden": ok(EVERYONE),
    "GET /api/dashboards/overview": ok(COUNTY, AGENCY_MANAGERS),
    "GET /api/public/burden": ok(EVERYONE),
}
