from wagtail import hooks


@hooks.register("cocreo_member_data")  # privacy.hooks.MEMBER_DATA_HOOK
def comments_member_data(user):
    from comments.member_data import member_data

    return member_data(user)


@hooks.register("cocreo_member_erase")  # privacy.hooks.MEMBER_ERASE_HOOK
def erase_comments_member_data(user, *, keep_contributions: bool):
    from comments.member_data import erase_member

    erase_member(user, keep_contributions=keep_contributions)
