"""Load the demo county (东阿县) through the platform's services. Idempotent."""

from django.core.management.base import BaseCommand

from clearcheck.demo.loader import demo_load


class Command(BaseCommand):
    """``clearcheck demo_load``."""

    help = "Load the demo county of Dong'e through the services (does nothing when already loaded)"

    def handle(self, *args, **options):
        """Load, or report that the demo is already there."""
        loaded = demo_load(progress=self.stdout.write)
        self.stdout.write("演示数据已加载" if loaded else "演示数据已存在,未重复加载")
