"""``clearcheck second_factor reset USERNAME --by ACCOUNT``: remove a user's second factor (a lost or replaced
phone, issue 20). The account named by ``--by`` (the bureau, or the agency admin of the user's agency) is who the
audit trail records; the user enrols again at the next sign-in.
"""

from django.core.management.base import BaseCommand, CommandError

from clearcheck.core.errors import DomainError

from ...models import User
from ...second_factor import second_factor_reset


class Command(BaseCommand):
    """Reset one user's second factor on behalf of the bureau or the user's agency admin."""

    help = "Second factor: 'reset USERNAME --by BUREAU_OR_AGENCY_ADMIN'"

    def add_arguments(self, parser):
        """``reset USERNAME --by ACCOUNT``."""
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("reset", help="remove a user's second factor and recovery codes")
        reset.add_argument("username")
        reset.add_argument("--by", required=True, help="the bureau or agency admin account the audit trail records")

    def handle(self, *args, **options):
        """Reset, or say in Chinese why not (unknown account, not allowed)."""
        actor = User.objects.filter(username=options["by"]).first()
        user = User.objects.filter(username=options["username"]).first()
        if actor is None or user is None:
            raise CommandError(f"账号 {options['by'] if actor is None else options['username']} 不存在")
        try:
            second_factor_reset(actor=actor, user_id=user.pk)
        except DomainError as exc:
            raise CommandError(getattr(exc, "detail", str(exc))) from None
        self.stdout.write(f"已重置 {user.username} 的动态口令;该账户下次登录时重新绑定。")
