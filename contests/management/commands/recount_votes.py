from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contests import recount


class Command(BaseCommand):
    help = (
        "Recount every total derived from the vote rows and report mismatches (Community "
        "Choice awards, vote contests, scores, budgets, undecided held votes); --fix repairs "
        "what the rows can repair."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="repair what can be repaired")

    def handle(self, *args, fix: bool = False, **options):
        totals = recount.totals()
        self.stdout.write(
            "Votes: {all} rows, {counted} counted, {held} held, {voided} voided".format(**totals)
        )
        mismatches = recount.verify()
        for mismatch in mismatches:
            self.stdout.write(f"MISMATCH {mismatch.check}: {mismatch.message}")
        if not mismatches:
            self.stdout.write(self.style.SUCCESS("Every derived total agrees with the votes."))
            return
        if not fix:
            raise CommandError(f"{len(mismatches)} mismatches (run with --fix to repair).")
        fixed = 0
        with transaction.atomic():
            for mismatch in mismatches:
                if mismatch.fix is not None:
                    mismatch.fix()
                    fixed += 1
        left = recount.verify()
        self.stdout.write(f"Fixed {fixed}; {len(left)} left.")
        if left:
            raise CommandError(f"{len(left)} mismatches need a person (see above).")
