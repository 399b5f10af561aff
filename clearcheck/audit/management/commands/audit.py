"""``clearcheck audit verify|seal``. ``verify`` reads only: it never writes a row or a file."""

import json

from django.core.management.base import BaseCommand, CommandError

from clearcheck.audit.services import audit_seal
from clearcheck.audit.verify import audit_verify, public_keys_read


class Command(BaseCommand):
    """Verify or seal the audit chain."""

    help = "verify: check the audit chain end to end; seal: give committed events their chain positions"

    def add_arguments(self, parser):
        """Declare the sub-commands."""
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check the chain and checkpoints; exit 1 when broken")
        verify.add_argument("--checkpoint", help="a checkpoint JSON kept outside the platform")
        verify.add_argument("--all", action="store_true", help="report every problem, not only the first")
        verify.add_argument("--public-key", action="append", default=[], metavar="PEM_FILE",
                            help="a published public key (PEM) to check checkpoint signatures with, e.g. on a "
                                 "restored copy without the private key; may be repeated")
        sub.add_parser("seal", help="seal committed, unsealed events and sign checkpoints")

    def handle(self, *args, **options):
        """Run the chosen sub-command."""
        if options["action"] == "seal":
            count = audit_seal()
            self.stdout.write(f"已封存 {count} 条审计事件 (sealed {count} events)")
            return
        external = None
        if options.get("checkpoint"):
            with open(options["checkpoint"], encoding="utf-8") as fh:
                external = json.load(fh)
        public_keys: dict[str, bytes] = {}
        for path in options["public_key"]:
            try:
                with open(path, encoding="ascii") as fh:
                    public_keys.update(public_keys_read(fh.read()))
            except (OSError, ValueError) as error:
                raise CommandError(f"无法读取公钥 {path}: {error} (cannot read public key)") from error
        report = audit_verify(external_checkpoint=external, stop_at_first=not options["all"],
                              public_keys=public_keys)
        self.stdout.write(
            f"链长 {report.length} 条,未封存 {report.unsealed} 条,检查点 {report.checkpoints_checked} 个 "
            f"(length {report.length}, unsealed tail {report.unsealed}, checkpoints {report.checkpoints_checked})"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("审计链校验通过 (audit chain verified)"))
            return
        if report.first_broken_seq is not None:
            self.stdout.write(f"首个损坏事件: 第 {report.first_broken_seq} 号 (id {report.first_broken_id})")
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(problem))
        raise CommandError("审计链校验失败 (audit chain verification failed)")
