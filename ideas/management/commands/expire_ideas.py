from django.core.management.base import BaseCommand

from ideas.services import expire_ideas


class Command(BaseCommand):
    help = "Record the expiry of ideas that missed a stage of their board (safe to repeat)."

    def handle(self, *args, **options):
        count = expire_ideas()
        if options["verbosity"]:
            self.stdout.write(f"{count} idea(s) expired.")
