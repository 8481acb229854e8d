"""The allauth adapter: sign-up (email or social) screens the username like every other name
change (`community.names`)."""

from allauth.account.adapter import DefaultAccountAdapter

from community.names import check_member_name


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        check_member_name(username)  # a ValidationError shown on the form's username field
        return username
