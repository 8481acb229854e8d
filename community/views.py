from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from community.notifications import mark_all_read

NOTIFICATIONS_PAGE_SIZE = 30


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), NOTIFICATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(request, "community/notifications.html", {"page_obj": page})


@login_required
@require_POST
def notifications_read(request):
    mark_all_read(request.user)
    return redirect("community:notifications")
