"""Idea board pages: the board, an idea, the roadmap, posting, supporting and answering."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from community.images import private_image_response
from community.rules import is_moderator
from ideas.models import Idea


@require_GET
def idea_image(request, idea_id: int, size: str):
    """Serve an idea's image only to those who may see the idea (the gate covers files).
    `?revision=` shows the image of a submitted edit to its author and moderators."""
    idea = get_object_or_404(Idea.objects.visible_to(request.user), pk=idea_id)
    name = idea.image.name or None
    revision_id = request.GET.get("revision")
    if revision_id:
        if not (is_moderator(request.user) or idea.author_id == request.user.pk):
            raise Http404
        revision = idea.revisions.filter(pk=revision_id).first() if revision_id.isdigit() else None
        if revision is None:
            raise Http404
        name = revision.content.get("image") or None
    return private_image_response(name, size, public=idea.live and not revision_id)
