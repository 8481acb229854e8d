from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.brands import ensure_brand_space
from community.models import Brand


class Command(BaseCommand):
    help = gettext_lazy(
        "Give every brand its page under the home page and its staff group with page "
        "permissions on it (new brands get them when created). Safe to run again."
    )

    def handle(self, *args, **options):
        for brand in Brand.objects.all():
            page = ensure_brand_space(brand)
            self.stdout.write(
                _("%(brand)s: page %(url)s, group “%(group)s”")
                % {
                    "brand": brand.name,
                    "url": page.url if page else "-",
                    "group": brand.staff_group.name,
                }
            )
