"""The enterprise portal's page of draws (/enterprise/draws/, internet zone): the enterprise's own entry in
every public draw, so that it can find itself in the published frame and check its own place (ADR 0017).

An individual business is in a draw's frame under a pseudonym that only it (and, with the escrowed key, the
judicial bureau) can tie to its USCC; this page is where it learns its pseudonym.
"""

from django.shortcuts import render

from clearcheck.accounts.choices import Role
from clearcheck.core.web import role_required

from .. import selectors
from .common import page_of


@role_required(Role.ENTERPRISE)
def draw_list(request):
    """The public draws, newest first, with the enterprise's own entry; after reveal, its place."""
    page = page_of(request, selectors.draws_for_enterprise(actor=request.user), 10)
    rows = selectors.enterprise_draw_rows(actor=request.user, draws=list(page))
    return render(request, "sampling/enterprise/draw_list.html", {"page": page, "rows": rows})
