"""R24, the double-random draw's protocol: the refusals a draw's services raise, built here and only here.

Every refusal of the draw protocol carries R24 with its clause (the public value serves one draw, the stored
frame and parameters match their published hashes, the sample fits the pool and the teams). The task side of
R24 (a routine task needs a draw; a drawn task's fixed choices) is planning's (``planning.rules``).
"""

from clearcheck.core.errors import RuleViolation

from . import algorithm


def draw_refusal(message: str, field: str | None = None) -> RuleViolation:
    """The R24 refusal of a draw step, naming the field at fault."""
    return RuleViolation("R24", message, field=field)


def draw_error_refusal(exc: algorithm.DrawError) -> RuleViolation:
    """The R24 refusal for an error of the draw algorithm (bad sample sizes, ratios)."""
    return draw_refusal(str(exc), exc.field or None)


def draw_precheck_refusal(parameters: dict, frame) -> RuleViolation | None:
    """The bad inputs that are known before any secret exists: an empty pool, a sample larger than its
    stratum, a team larger than an agency's qualified officers (nothing is committed then). ``frame`` is the
    built frame (``services.frames.Frame``): its strata sizes and qualified officers per agency.
    """
    sizes, by_agency = frame.strata, frame.officers_by_agency
    if not sizes:
        return draw_refusal("检查对象库为空(或库内企业均已达本年度检查频次上限),无可抽取的企业", "pools")
    sample = parameters["sample"]
    try:
        quotas = {s: algorithm.stratum_quota(sample, s, sizes.get(s, 0))
                  for s in set(sizes) | set(sample.get("counts", sample.get("ratios", {})))}
    except algorithm.DrawError as exc:
        return draw_error_refusal(exc)
    if not sum(quotas.values()):
        return draw_refusal("按所给数量或比例,本次抽取的企业为 0 户", "sample")
    for agency in parameters["agencies"]:
        have = by_agency.get(agency, 0)
        if parameters["team_size"] > have:
            return draw_refusal(f"每组 {parameters['team_size']} 人,超过{agency}执法人员库中符合条件的 {have} 人", "team_size")
    teams = min(by_agency.get(a, 0) for a in parameters["agencies"]) // parameters["team_size"]
    if teams * parameters["max_per_team"] < sum(quotas.values()):
        return draw_refusal(f"将抽中 {sum(quotas.values())} 户企业,{teams} 个检查组每组至多 {parameters['max_per_team']} 户,"
                      "无法分配;请增加每组最多分配的企业数或执法人员", "max_per_team")
    return None
