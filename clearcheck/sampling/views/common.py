"""What the agency pages share: who reads, who manages, paging."""

from django.core.paginator import Paginator

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)
MANAGERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)


def manages(user, agency_id: int | None) -> bool:
    """The agency's admin or head manages its pools and draws (the services check again)."""
    return user.role in MANAGERS and agency_id is not None and user.agency_id == agency_id


def page_of(request, qs, per_page: int = 30, param: str = "page"):
    """One page of ``qs`` from the query string."""
    return Paginator(qs, per_page).get_page(request.GET.get(param))
