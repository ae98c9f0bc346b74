"""Give someone a role in a partnership, making their account if it is new: safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from csp.provisioning import ROLE_NAMES, ProvisioningError, add_user, find_partnership


class Command(BaseCommand):
    help = (
        "Add USERNAME to a partnership as an officer of one of its agencies, a coordinator, a report viewer "
        "or an administrator. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--partnership", required=True, help="The partnership's slug, e.g. medway.")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(ROLE_NAMES)}.")
        parser.add_argument("--agency", default="", help="For an officer: the agency's name or short name.")
        parser.add_argument("--email", default="", help="Where password resets and reminders go.")

    def handle(self, *args, username, partnership, role, agency, email, **options):
        try:
            added = add_user(username, find_partnership(partnership), role, agency=agency, email=email)
        except ProvisioningError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(added))
        if added.created:
            self.stdout.write(
                'The account has no password yet: its owner sets one with "Forgotten your password?" on '
                "the sign-in page (it needs their email address), or an administrator sets one."
            )
