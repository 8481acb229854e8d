"""What members do on the public site: report content."""

from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import htmx
from community.bounds import parse_id
from community.ratelimits import RateLimited, keep_form
from moderation import reports
from moderation.forms import ReportForm
from moderation.models import ModeratedModel


def _back(request) -> str:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    return back


@require_POST
def report(request):
    if not request.user.is_authenticated:
        login = redirect_to_login(_back(request))
        return htmx.client_redirect(login.url) if htmx.is_htmx(request) else login
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
    back = _back(request)
    form = ReportForm(request.POST)
    if not form.is_valid():
        outcome = htmx.Outcome(error=_("Choose why you are reporting this."), status=400)
    else:
        try:
            with htmx.attempt(request) as outcome:
                reports.report(
                    obj,
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                )
                outcome.message = _("Thank you: a moderator will look at your report.")
        except RateLimited as limited:
            # Outside htmx the report comes back on a page of its own, with what was written.
            status = keep_form(request, form, limited)
            return TemplateResponse(
                request,
                "moderation/report_again.html",
                {"form": form, "content_type_id": ct_id, "object_id": object_id, "next": back},
                status=status,
            )
    if htmx.is_htmx(request):
        context = {
            "obj": obj,
            "next_path": back,
            "report_message": outcome.message,
            "report_error": outcome.error,
            # what the member chose and wrote stays in the form when it is refused
            "report_reason": request.POST.get("reason", ""),
            "report_text": request.POST.get("text", ""),
        }
        return htmx.in_place(request, "moderation/includes/report_form.html", context, outcome)
    return htmx.redirect_back(request, back, outcome)
