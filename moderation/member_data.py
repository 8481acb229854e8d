"""What the moderation app holds about a member, for their export (see privacy.hooks): the
reports they made and the suspensions they received. On account deletion these records stay,
attached to the anonymised account: they are the moderators' history, not the member's
contributions."""

from community.models import User
from moderation.models import Report, Suspension


def member_data(user: User) -> dict:
    reports = [
        {
            "content": f"{r.content_type.app_label}.{r.content_type.model} #{r.object_id}",
            "reason": r.reason,
            "text": r.text,
            "status": r.status,
            "created_at": r.created_at,
        }
        for r in Report.objects.filter(reporter=user).select_related("content_type")
    ]
    suspensions = [
        {
            "kind": s.kind,
            "reason": s.reason,
            "since": s.created_at,
            "until": s.ends_at,
            "lifted_at": s.lifted_at,
        }
        for s in Suspension.objects.filter(member=user)
    ]
    return {"name": "moderation", "records": {"reports": reports, "suspensions": suspensions}}
