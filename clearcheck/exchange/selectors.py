"""Import jobs the actor may see: the bureau all of them; an agency admin its agency's and its own."""

from django.db.models import Q, QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.core.errors import NotFound

from .models import ImportJob


def import_jobs_for_actor(*, actor, kind: str | None = None, status: str | None = None) -> QuerySet[ImportJob]:
    """Import jobs visible to ``actor``, newest first (nothing for other roles)."""
    qs = ImportJob.objects.select_related("agency")
    if actor_has_role(actor, Role.BUREAU):
        pass
    elif actor_has_role(actor, Role.AGENCY_ADMIN):
        qs = qs.filter(Q(agency_id=actor_agency_id(actor)) | Q(actor_id=actor.pk))
    else:
        return qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def import_job_get_for_actor(*, actor, job_id: int) -> ImportJob:
    """One import job the actor may see (missing and not-yours are the same 404)."""
    job = import_jobs_for_actor(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound("导入记录不存在")
    return job
