"""A two-factor set-up code for one user, for the first administrator (who has nobody to ask for one)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from csp.two_factor import CODE_LIFETIME, issue_enrolment_code


class Command(BaseCommand):
    help = (
        "Print a one-time two-factor set-up code for USERNAME (removing any authenticator they have). "
        "Everyone after the first administrator gets theirs from the user admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None
        code = issue_enrolment_code(user, issued_by=None)
        self.stdout.write(
            f"Set-up code for {username}: {code}\n"
            f"It works once, for {username} only, for {CODE_LIFETIME.days} days. Sign in, then enter it at "
            "'Set up two-factor sign-in'."
        )
