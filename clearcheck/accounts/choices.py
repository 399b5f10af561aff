"""Roles of the platform (ARCHITECTURE.md "Who uses it"). The public is the anonymous visitor."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clearcheck.audit.permissions import READ_TRAIL
from clearcheck.core.middleware import INTERNET_PORTAL


class Role(models.TextChoices):
    """One role per account; whether an officer may inspect is decided by the Officer record (R12)."""

    BUREAU = "bureau", _("司法局")
    GOVERNMENT = "government", _("县政府")
    DISCIPLINE = "discipline", _("纪检监察")
    AGENCY_ADMIN = "agency_admin", _("执法机关管理员")
    AGENCY_HEAD = "agency_head", _("执法机关负责人")
    DEPARTMENT_HEAD = "department_head", _("内设机构负责人")
    OFFICER = "officer", pgettext_lazy("role", "执法人员")
    ENTERPRISE = "enterprise", _("企业")


AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD, Role.OFFICER})
COUNTY_ROLES = frozenset({Role.BUREAU, Role.GOVERNMENT, Role.DISCIPLINE})
PUBLIC = "public"

# The permissions that apps below accounts (core, audit) ask through ``user.has_perm``, since they know no
# role, and the roles that hold them (``User.has_perm``).
ROLE_PERMISSIONS = {
    READ_TRAIL: frozenset({Role.BUREAU, Role.DISCIPLINE}),
    INTERNET_PORTAL: frozenset({Role.ENTERPRISE}),
}
