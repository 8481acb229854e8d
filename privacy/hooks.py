"""How the privacy app asks the other apps for a member's data, and to erase it.

The privacy app imports only `community`; each app that holds member data registers, in its
`wagtail_hooks.py`, a function under each of these Wagtail hook names (plain strings, so no app
imports this one):

- `cocreo_member_data`: `(user) -> dict` with `name` (the section of the export), `records`
  (JSON-serialisable: lists and dicts of strings, numbers, dates) and optionally `files`
  (names in private storage: the member's uploads, copied into the archive).
- `cocreo_member_erase`: `(user, *, keep_contributions: bool) -> None`, called in the account
  deletion's transaction before the account itself is anonymised. With
  `keep_contributions=True` public contributions stay, shown as by "deleted member"; with
  False they are deleted (with their files, after commit), except what a closed contest's
  results need. Personal data that is not a contribution (a profile, votes of running contests)
  goes in both cases.
"""

MEMBER_DATA_HOOK = "cocreo_member_data"
MEMBER_ERASE_HOOK = "cocreo_member_erase"
