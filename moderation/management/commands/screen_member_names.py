"""Look at every member's names again against the blocked terms; hold those that contain one."""

from django.core.management.base import BaseCommand

from moderation.names import screen_existing_names


class Command(BaseCommand):
    help = "Hold existing usernames and names that contain a blocked term, for the moderators."

    def handle(self, *args, **options):
        held = screen_existing_names()
        for member in held:
            self.stdout.write(f"held: {member.username} (#{member.pk})")
        self.stdout.write(f"{len(held)} name(s) held for review.")
