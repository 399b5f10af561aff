"""The platform API (Django Ninja): OpenAPI at /api/openapi.json, docs at /api/docs."""

from clearcheck.accounts.api import router as auth_router
from clearcheck.accounts.api_auth import AUTH
from clearcheck.audit.api import router as audit_router
from clearcheck.catalog.api import router as catalog_router
from clearcheck.core.api import api_create
from clearcheck.disclosure.api import public_router as disclosure_public_router
from clearcheck.exchange.api import router as exchange_router
from clearcheck.feedback.api import router as feedback_router
from clearcheck.inspections.api import router as inspections_router
from clearcheck.planning.api import router as planning_router
from clearcheck.registry.api import router as registry_router
from clearcheck.sampling.api import public_router as sampling_public_router
from clearcheck.sampling.api import router as sampling_router
from clearcheck.supervision.api import router as supervision_router
from clearcheck.supervision.dashboard_api import router as dashboards_router

api = api_create(
    title="ClearCheck 清检 API",
    version="1.0",
    description="涉企行政检查平台接口。错误均为 RFC 9457 problem 文档;规则拒绝时带 rule 与 clause。",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Beyond what each operation's kind implies (clearcheck.core.openapi.problem_statuses): the token route
    # throttles guessing (accounts.throttle, 429 with Retry-After).
    problem_statuses={("POST", "/api/auth/token"): {429}},
)
api.add_router("/auth", auth_router)
api.add_router("/", registry_router)
api.add_router("/", catalog_router)
api.add_router("/", exchange_router)
api.add_router("/", planning_router)
api.add_router("/", inspections_router)
api.add_router("/", sampling_router)
api.add_router("/", sampling_public_router)
api.add_router("/", disclosure_public_router)
api.add_router("/", supervision_router)
api.add_router("/", feedback_router)
api.add_router("/", dashboards_router)
api.add_router("/", audit_router)
