"""Route expectations of the enterprise code (一企一码, R11) and the e-credential (R15) (issue 4, §1–2)."""

from tests.access import EVERYONE, INTERNAL, ok

EXPECTATIONS = {
    # --- enterprise file: the code, its downloads and the poster ----------------------------------
    "registry:enterprise_code": ok(INTERNAL, "enterprise"),
    "registry:enterprise_code_png": ok(INTERNAL, "enterprise"),
    "registry:enterprise_code_svg": ok(INTERNAL, "enterprise"),
    "registry:enterprise_code_poster": ok(INTERNAL, "enterprise"),
    # --- the officer's own rotating e-credential ---------------------------------------------------
    "registry:my_credential": ok("officer"),
    "registry:my_credential_qr": ok("officer"),
    # --- public: scan landing pages and the verifying keys ----------------------------------------
    "inspections_public:code_landing": ok(EVERYONE),
    "inspections_public:credential_verify": ok(EVERYONE),
    "registry_public:code_keys_json": ok(EVERYONE),
    # --- API -----------------------------------------------------------------------------------------
    "GET /api/enterprises/{enterprise_id}/codes": ok(INTERNAL, "enterprise"),
    # --- public API ---------------------------------------------------------------------------------
    "GET /api/public/codes/verify": ok(EVERYONE),
    "GET /api/public/credentials/verify": ok(EVERYONE),
}


def world_extend(world: dict) -> None:
    """An issued code of the users' enterprise and a fresh e-credential token of their officer."""
    from clearcheck.registry.codes import enterprise_code_issue, enterprise_code_token
    from clearcheck.registry.credentials import credential_token_issue

    code = enterprise_code_issue(actor=world["users"]["bureau"], enterprise_id=world["enterprise"].pk, reason="")
    world["params"]["version"] = code.version
    world["enterprise_code"] = code
    world["per_route"]["inspections_public:code_landing"] = {"token": enterprise_code_token(code)}
    # An e-credential token ages during the crawl; the verify page answers 200 either way (a verdict).
    world["per_route"]["inspections_public:credential_verify"] = {"token": credential_token_issue(world["officer"])}
