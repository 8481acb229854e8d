from django import template
from django.contrib.contenttypes.models import ContentType

from moderation.intake import active_pause

register = template.Library()


@register.inclusion_tag("moderation/includes/pause_banner.html")
def intake_pause_banner(page=None):
    """The crisis banner: a pause of the whole site, or of this page's brand or contest."""
    brand_id = getattr(page, "brand_id", None)
    container_id = getattr(page, "pk", None) if page is not None else None
    return {"pause": active_pause(brand_id=brand_id, container_id=container_id)}


@register.simple_tag
def content_type_id(obj) -> int:
    return ContentType.objects.get_for_model(obj, for_concrete_model=False).pk


@register.simple_tag
def report_reasons():
    from moderation.models import ReportReason

    return ReportReason.choices
