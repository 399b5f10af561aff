"""Public notice pages (/public/notices/): the bureau's published 通报 of good and bad examples."""

from django.core.paginator import Paginator
from django.shortcuts import render

from clearcheck.core.api import get_or_404

from .. import selectors


def notice_list(request):
    """Published notices, newest first."""
    page = Paginator(selectors.notice_list_public(), 20).get_page(request.GET.get("page"))
    return render(request, "supervision/public/notice_list.html", {"page": page})


def notice_detail(request, notice_id: int):
    """One published notice, with the corrections published for it."""
    notice = get_or_404(selectors.notice_get_public, notice_id=notice_id)
    return render(request, "supervision/public/notice_detail.html", {"notice": notice})
