from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community.errors import ActionRefused, InvalidInput, NotFound
from privacy import services
from privacy.forms import DeleteAccountForm
from privacy.models import DataExport


@login_required
def account_data(request):
    """The member's data: download a copy, or delete the account."""
    exports = DataExport.objects.filter(member=request.user)[:5]
    return TemplateResponse(
        request,
        "privacy/account_data.html",
        {
            "exports": [
                (export, services.export_link(export) if export.is_downloadable() else "")
                for export in exports
            ],
            "valid_days": services.export_valid_for().days,
        },
    )


@login_required
@require_POST
def request_export(request):
    try:
        services.request_export(request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("We are preparing a copy of your data: we will tell you when it is ready."),
        )
    return redirect("privacy:account_data")


@login_required
@require_GET
def download(request, token: str):
    try:
        export = services.open_export(request.user, token)
    except NotFound:
        raise Http404 from None
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"cocreo-data-{export.requested_at:%Y-%m-%d}.zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.delete_account(
                    request.user,
                    keep_contributions=form.cleaned_data["contributions"] == "keep",
                    password=form.cleaned_data.get("password", ""),
                    confirm=form.cleaned_data.get("confirm", ""),
                )
            except InvalidInput as invalid:
                form.add_error(
                    invalid.field if invalid.field in form.fields else None, invalid.message
                )
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                logout(request)
                messages.success(request, _("Your account has been deleted. Goodbye!"))
                return redirect("/")
        status = 400
    return TemplateResponse(request, "privacy/delete_account.html", {"form": form}, status=status)
