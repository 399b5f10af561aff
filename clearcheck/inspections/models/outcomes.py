"""Outcomes (检查结果处置, R19): findings of a record and their dispositions; the loop closes only when
every finding is closed.
"""

from django.db import models

from ..choices import DispositionKind, DispositionStatus, FindingStatus, ReferralStatus


class Finding(models.Model):
    """A non-compliance found on site, tied to the record entries that failed (检查发现).

    ``agency`` is the agency that owns it (in a joint visit, the agency whose item failed).
    """

    record = models.ForeignKey("inspections.OnSiteRecord", on_delete=models.PROTECT, related_name="findings")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="findings")
    entries = models.ManyToManyField("inspections.RecordEntry", related_name="findings")
    description = models.TextField("问题描述")
    legal_basis = models.TextField("违反的规定", blank=True)
    status = models.CharField("状态", max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "检查发现"
        verbose_name_plural = "检查发现"
        ordering = ["record", "id"]
        indexes = [models.Index(fields=["agency", "status"], name="finding_agency_status")]

    def __str__(self) -> str:
        return f"检查发现 #{self.pk}"


class Disposition(models.Model):
    """One disposition of a finding. Its loop, by kind:

    - notice / correct_now / case / no_penalty: closed when given (a case with its case number; a
      no-penalty decision with a ground from the agency's published no-penalty list);
    - correct_by_deadline: a re-check task carries the failed entries; closed when the re-check finds
      them compliant; an R19 alert when the deadline passes first;
    - refer: in the receiving agency's inbox; closed when that agency records how it handled it.
    """

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="dispositions")
    kind = models.CharField("处置方式", max_length=24, choices=DispositionKind.choices)
    status = models.CharField("状态", max_length=16, choices=DispositionStatus.choices,
                              default=DispositionStatus.OPEN)
    note = models.TextField("处置意见", blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    recheck_task = models.ForeignKey("planning.InspectionTask", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="rechecked_dispositions")
    referred_to = models.ForeignKey("registry.Agency", verbose_name="移送机关", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="referrals_received")
    referral_status = models.CharField("移送办理状态", max_length=16, choices=ReferralStatus.choices, blank=True)
    referral_note = models.TextField("移送办理情况", blank=True)
    referral_updated_at = models.DateTimeField(null=True, blank=True)
    case_number = models.CharField("立案号", max_length=64, blank=True)
    no_penalty_entry = models.ForeignKey("catalog.NoPenaltyEntry", verbose_name="免罚依据", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="dispositions")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    closing_note = models.TextField("办结情况", blank=True)

    class Meta:
        verbose_name = "检查结果处置"
        verbose_name_plural = "检查结果处置"
        ordering = ["finding", "id"]
        indexes = [
            models.Index(fields=["kind", "status", "deadline"], name="disposition_overdue"),
            models.Index(fields=["referred_to", "referral_status"], name="disposition_referral_inbox"),
        ]

    def __str__(self) -> str:
        return f"处置 #{self.pk}"
