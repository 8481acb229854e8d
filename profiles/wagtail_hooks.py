from wagtail import hooks

from community.views import MEMBER_HEADER_HOOK
from profiles.services import public_profile


@hooks.register(MEMBER_HEADER_HOOK)
def member_profile_header(request, member) -> dict:
    """The member page shows the approved version of the profile (bio, avatar) only."""
    return {"profile": public_profile(member)}


@hooks.register("cocreo_member_data")  # privacy.hooks.MEMBER_DATA_HOOK
def profiles_member_data(user):
    from profiles.member_data import member_data

    return member_data(user)


@hooks.register("cocreo_member_erase")  # privacy.hooks.MEMBER_ERASE_HOOK
def erase_profiles_member_data(user, *, keep_contributions: bool):
    from profiles.member_data import erase_member

    erase_member(user, keep_contributions=keep_contributions)
