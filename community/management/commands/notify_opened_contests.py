from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.services import announce_openings


class Command(BaseCommand):
    help = gettext_lazy(
        "Tell the followers of each brand when one of its contests opens for submissions. "
        "Run it every few minutes (cron); each opening is announced once."
    )

    def handle(self, *args, **options):
        sent = announce_openings()
        if options.get("verbosity", 1) > 0:
            self.stdout.write(_("Notifications sent: %(n)s") % {"n": sent})
