r"""Audit events, the chain head and signed checkpoints (R30, ADR 0004).

Writers insert events with ``seq`` empty; only the sealer gives committed events their chain
position, so that writers never wait for each other and a late commit never breaks the chain.

Chain hash of the event at position ``seq``::

    hash = SHA-256( prev_hash_hex "\\n" seq "\\n" id "\\n" body )

where ``body`` is the event's RFC 8785 canonical JSON text and ``prev_hash_hex`` is 64 zeros
for the first event.
"""

from django.db import models
from django.db.models import Q

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One recorded state change. ``body`` is authoritative; the other columns index it."""

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    request_id = models.CharField(max_length=64, blank=True)
    body = models.TextField(help_text="RFC 8785 canonical JSON of the event")
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_unsealed"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action} {self.subject_type}:{self.subject_id}"


class ChainHead(models.Model):
    """The single row that the sealer locks: current chain length and head hash."""

    length = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "审计链头"


class Checkpoint(models.Model):
    """A signed statement of chain length and head hash, made after each sealed batch."""

    length = models.BigIntegerField(db_index=True)
    head_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    suite = models.CharField(max_length=16)
    key_id = models.CharField(max_length=32)
    body = models.TextField(help_text="canonical JSON that was signed")
    signature = models.CharField(max_length=200)

    class Meta:
        verbose_name = "签名检查点"
        verbose_name_plural = "签名检查点"
        ordering = ["-length", "-id"]

    def __str__(self) -> str:
        return f"checkpoint {self.length} {self.head_hash[:12]}"
