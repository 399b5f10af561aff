"""Load the demo county (东阿县) through the platform's services, into a database of its own. Idempotent."""

from django.core.management.base import BaseCommand, CommandError

from clearcheck.demo.loader import DemoRefused, demo_load


class Command(BaseCommand):
    """``clearcheck demo_load`` (installed with the demo app only: ``CLEARCHECK_DEMO=1``)."""

    help = ("Load the demo county of Dong'e through the services into an empty database (does nothing when "
            "already loaded; refuses a database holding other data)")

    def handle(self, *args, **options):
        """Load, report that the demo is already there, or refuse a database that is not the demo's."""
        try:
            loaded = demo_load(progress=self.stdout.write)
        except DemoRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write("演示数据已加载" if loaded else "演示数据已存在,未重复加载")
