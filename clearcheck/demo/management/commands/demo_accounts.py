"""Print the demo accounts of the demo county (one per role)."""

import pyotp
from django.core.management.base import BaseCommand

from clearcheck.accounts.models import User
from clearcheck.accounts.second_factor import factor_of
from clearcheck.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET


class Command(BaseCommand):
    """``clearcheck demo_accounts`` (installed with the demo app only: ``CLEARCHECK_DEMO=1``)."""

    help = "Print the demo accounts and their password"

    def handle(self, *args, **options):
        """Print one line per account."""
        self.stdout.write(f"演示账户(密码均为 {DEMO_PASSWORD}):")
        for username, role_label, note in DEMO_ACCOUNTS:
            exists = User.objects.filter(username=username).exists()
            user = User.objects.filter(username=username).first()
            otp = " *" if user is not None and factor_of(user) is not None else ""
            self.stdout.write(f"  {username:<16} {role_label:<10} {note}{otp}{'' if exists else '  (未加载)'}")
        self.stdout.write(
            f"* 须输入动态口令(第二步):在验证器应用(腾讯身份验证器等)中手动添加密钥 {DEMO_TOTP_SECRET},"
            f"或输入当前口令 {pyotp.TOTP(DEMO_TOTP_SECRET).now()}(每 30 秒变化);演示环境的口令验证页面也显示当前口令。"
        )
