from wagtail import hooks

from community.views import MEMBER_HEADER_HOOK
from profiles.services import public_profile


@hooks.register(MEMBER_HEADER_HOOK)
def member_profile_header(request, member) -> dict:
    """The member page shows the approved version of the profile (bio, avatar) only."""
    return {"profile": public_profile(member)}
