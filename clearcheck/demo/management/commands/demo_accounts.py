"""Print the demo accounts of the demo county (one per role)."""

from django.core.management.base import BaseCommand

from clearcheck.accounts.models import User
from clearcheck.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    """``clearcheck demo_accounts`` (installed with the demo app only: ``CLEARCHECK_DEMO=1``)."""

    help = "Print the demo accounts and their password"

    def handle(self, *args, **options):
        """Print one line per account."""
        self.stdout.write(f"演示账户(密码均为 {DEMO_PASSWORD}):")
        for username, role_label, note in DEMO_ACCOUNTS:
            exists = User.objects.filter(username=username).exists()
            self.stdout.write(f"  {username:<16} {role_label:<10} {note}{'' if exists else '  (未加载)'}")
