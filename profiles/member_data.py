"""A member's profile for their export, and its erasure when they delete their account (see
privacy.hooks). The profile (bio, avatar) is personal data and always goes."""

from django.db import transaction

from community.images import private_storage
from community.models import User
from profiles.models import Profile


def _avatar_names(profile: Profile) -> list[str]:
    names = [profile.avatar.name if profile.avatar else ""]
    names.extend(c.get("avatar") or "" for c in profile.revisions.values_list("content", flat=True))
    return list(dict.fromkeys(name for name in names if name))


def member_data(user: User) -> dict:
    profile = Profile.objects.filter(author=user).first()
    version = profile.get_latest_revision_as_object() if profile else None
    files = _avatar_names(profile) if profile else []
    return {
        "name": "profile",
        "records": {
            "profile": {
                "bio": version.bio,
                "status": profile.moderation_status,
                "public": profile.live,
                "avatars": [f"files/{name}" for name in files],
            }
            if profile
            else None,
        },
        "files": files,
    }


def erase_member(user: User, *, keep_contributions: bool) -> None:
    names: list[str] = []
    for profile in Profile.objects.filter(author=user):
        names.extend(_avatar_names(profile))
        profile.revisions.delete()  # and, by cascade, its moderation items
        profile.delete()
    storage = private_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
