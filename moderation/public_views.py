"""What members do on the public site: report content."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.bounds import parse_id
from community.errors import ActionRefused
from community.ratelimits import RateLimited, keep_form
from moderation import reports
from moderation.forms import ReportForm
from moderation.models import ModeratedModel


@login_required
@require_POST
def report(request):
    ct_id, object_id = (
        parse_id(request.POST.get("content_type")),
        parse_id(request.POST.get("object_id")),
    )
    if not (ct_id and object_id):
        raise Http404
    content_type = ContentType.objects.filter(pk=ct_id).first()
    model = content_type.model_class() if content_type else None
    if model is None or not issubclass(model, ModeratedModel):
        raise Http404
    obj = model.objects.public().filter(pk=object_id).first()
    if obj is None:
        raise Http404
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why you are reporting this."))
        return redirect(back)
    try:
        reports.report(
            obj,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data["text"],
        )
    except RateLimited as limited:
        # The report comes back on a page of its own, with what the member wrote.
        status = keep_form(request, form, limited)
        return TemplateResponse(
            request,
            "moderation/report_again.html",
            {"form": form, "content_type_id": ct_id, "object_id": object_id, "next": back},
            status=status,
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you: a moderator will look at your report."))
    return redirect(back)
