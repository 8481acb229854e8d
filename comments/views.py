from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comments import services
from comments.forms import CommentForm
from comments.models import Comment
from comments.rules import can_edit
from comments.templatetags.comments_tags import thread_context
from community import htmx
from community.bounds import parse_id
from community.errors import ActionRefused, InvalidInput
from community.ratelimits import RateLimited, keep_form


def _form_again(request, form, *, target, action: str, heading: str, status: int, **extra):
    """A refused comment comes back in a form of its own, with what the member typed."""
    return TemplateResponse(
        request,
        "comments/comment_form.html",
        {"form": form, "target": target, "action": action, "heading": heading, **extra},
        status=status,
    )


def _refused(form, refused: ActionRefused) -> int:
    field = refused.field if isinstance(refused, InvalidInput) else None
    form.add_error(field if field in form.fields else None, refused.message)
    return refused.status


@require_POST
def post_comment(request):
    ct_id, target_id = (
        parse_id(request.POST.get("target_type")),
        parse_id(request.POST.get("target_id")),
    )
    content_type = ContentType.objects.filter(pk=ct_id).first() if ct_id else None
    model = content_type.model_class() if content_type else None
    if model is None or not target_id or not hasattr(model.objects, "public"):
        raise Http404
    target = model.objects.public().filter(pk=target_id).first()
    if target is None or not services.is_commentable(target):
        raise Http404
    if not request.user.is_authenticated:
        login = redirect_to_login(f"{target.get_absolute_url()}#comments")
        return htmx.client_redirect(login.url) if htmx.is_htmx(request) else login
    parent_id = parse_id(request.POST.get("parent"))
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            comment = services.post_comment(
                target, author=request.user, body=form.cleaned_data["body"], parent=parent_id
            )
        except (ActionRefused, RateLimited) as refused:
            if htmx.is_htmx(request):
                status = htmx.refusal(refused)[1]
                form.add_error(None, refused.message)
            elif isinstance(refused, RateLimited):
                status = keep_form(request, form, refused)
            else:
                status = _refused(form, refused)
        else:
            if comment.official:
                message = _("Your answer is published for the brand.")
            else:
                message = _("Thank you! Your comment will appear once a moderator approves it.")
            if htmx.is_htmx(request):
                context = thread_context(request, target, comment_message=message)
                return htmx.fragment(request, "comments/includes/thread.html", context)
            messages.success(request, message)
            back = f"{target.get_absolute_url()}#comments"
            return redirect(comment.get_absolute_url() if comment.live else back)
    if htmx.is_htmx(request):
        # The thread again, the refused text still in its box with the reason beside it.
        extra = {"form": form}
        if parent_id:
            errors = [e for errors in form.errors.values() for e in errors]
            extra = {
                "reply_parent": parent_id,
                "reply_body": request.POST.get("body", ""),
                "reply_error": " ".join(errors),
            }
        context = thread_context(request, target, **extra)
        return htmx.fragment(request, "comments/includes/thread.html", context, status=status)
    heading = _("Reply") if parent_id else _("Comment")
    return _form_again(
        request,
        form,
        target=target,
        action=request.path,
        heading=heading,
        status=status,
        target_type_id=content_type.pk,
        parent_id=parent_id,
    )


@login_required
def edit_comment(request, comment_id: int):
    """The author edits their comment while the edit window is open."""
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    target = comment.target
    if target is None:
        raise Http404
    if request.method != "POST":
        if not can_edit(request.user, comment):
            messages.error(request, _("The time to edit this comment has passed."))
            return redirect(comment.get_absolute_url())
        current = comment.get_latest_revision_as_object() if comment.live else comment
        form = CommentForm(initial={"body": current.body})
        return _form_again(
            request,
            form,
            target=target,
            action=request.path,
            heading=_("Edit your comment"),
            status=200,
        )
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            edited = services.edit_comment(
                comment, author=request.user, body=form.cleaned_data["body"]
            )
        except RateLimited as limited:
            status = keep_form(request, form, limited)
        except ActionRefused as refused:
            status = _refused(form, refused)
        else:
            if edited.official and edited.live and not edited.has_unpublished_changes:
                messages.success(request, _("Your answer is updated."))
            else:
                messages.success(
                    request, _("Thank you! Your edit will appear once a moderator approves it.")
                )
            return redirect(comment.get_absolute_url())
    return _form_again(
        request,
        form,
        target=target,
        action=request.path,
        heading=_("Edit your comment"),
        status=status,
    )


@login_required
@require_POST
def resubmit_comment(request, comment_id: int):
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    target = comment.target
    if target is None:
        raise Http404
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.resubmit_comment(comment, author=request.user, body=form.cleaned_data["body"])
        except RateLimited as limited:
            status = keep_form(request, form, limited)
        except ActionRefused as refused:
            status = _refused(form, refused)
        else:
            messages.success(
                request, _("Thank you! Your comment is waiting for a moderator again.")
            )
            return redirect(comment.get_absolute_url())
    return _form_again(
        request,
        form,
        target=target,
        action=request.path,
        heading=_("Fix your comment"),
        status=status,
    )
