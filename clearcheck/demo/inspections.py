"""The demo county's on-site side so far: enterprise codes for every enterprise (一企一码) and a
recusal request granted by the agency head (R13).
"""

import datetime as dt

from clearcheck.accounts.models import User
from clearcheck.core import clock
from clearcheck.inspections import services as inspections
from clearcheck.registry import recusals
from clearcheck.registry.codes import enterprise_code_issue
from clearcheck.registry.models import Enterprise, Officer


def inspections_load(*, progress) -> None:
    """Issue every enterprise's code, then file and decide a recusal request, through the services."""
    progress("发放企业码(一企一码)…")
    bureau = User.objects.get(username="bureau")
    for enterprise_id in Enterprise.objects.order_by("id").values_list("id", flat=True):
        enterprise_code_issue(actor=bureau, enterprise_id=enterprise_id, reason="首次发放企业码")

    progress("回避申请 …")
    enterprise_user = User.objects.get(username="enterprise")
    head = User.objects.get(username="scjg_head")
    officer = Officer.objects.filter(agency=head.agency, personnel_type="enforcement", status="valid",
                                     valid_to__gte=clock.local_today()).order_by("-credential_no").first()
    request = recusals.recusal_request_file(
        actor=enterprise_user, officer_id=officer.pk,
        reason=f"{officer.name}的近亲属在本企业任采购负责人,可能影响检查公正",
    )
    recusals.recusal_request_decide(actor=head, request_id=request.pk, grant=True,
                                       reason="经核实存在近亲属关系,依法同意回避")

    progress("拒绝未扫码入企 …")
    inspections.entry_refusal_record(
        actor=enterprise_user, agency_id=head.agency_id, people="两名自称市场监管局的人员,未出示执法证",
        occurred_at=clock.now() - dt.timedelta(hours=3), place="企业生产车间门口",
        feedback="来人未扫企业码、未出示执法证件,企业依法拒绝其入内,请予核查",
    )
