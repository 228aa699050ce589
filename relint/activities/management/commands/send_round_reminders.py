"""Email the editors of late departments a reminder of the open round's
deadline (the same as the coordinator's button)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from relint.activities import services
from relint.activities.models import ReportingRound, RoundState


class Command(BaseCommand):
    help = (
        "Send a reminder to the editors of every department that has drafts or returned activities in the "
        "open reporting round, or none at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="The round's year (default: the open round).")

    def handle(self, *args, year=None, **options):
        rounds = ReportingRound.objects.filter(state=RoundState.OPEN)
        reporting_round = rounds.filter(year=year).first() if year else rounds.order_by("-year").first()
        if reporting_round is None:
            raise CommandError("No open reporting round" + (f" for {year}." if year else "."))
        try:
            sent = services.round_send_reminders(user=None, reporting_round=reporting_round)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        late = services.late_departments(reporting_round)
        self.stdout.write(f"Round {reporting_round.year}: {len(late)} late departments, {sent} reminders sent.")
