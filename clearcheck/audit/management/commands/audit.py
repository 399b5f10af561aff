"""``clearcheck audit verify|seal|archive``. ``verify`` never writes a row; ``--incremental`` keeps its mark
in a file of the archive folder (``audit.archive``).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from clearcheck.audit.archive import (
    archived_head_latest,
    audit_head_archive,
    verified_mark,
    verified_mark_write,
)
from clearcheck.audit.services import audit_seal
from clearcheck.audit.verify import audit_verify, public_keys_read
from clearcheck.core import clock


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
        verify.add_argument("--incremental", action="store_true",
                            help="start from the mark of the last successful --incremental run and move it on "
                                 "(a daily run reads only new events; run a full verify weekly)")
        sub.add_parser("seal", help="seal committed, unsealed events and sign checkpoints")
        sub.add_parser("archive", help="archive today's newest signed checkpoint outside the database (daily)")

    def handle(self, *args, **options):
        """Run the chosen sub-command."""
        if options["action"] == "seal":
            count = audit_seal()
            self.stdout.write(f"已封存 {count} 条审计事件 (sealed {count} events)")
            return
        if options["action"] == "archive":
            path = audit_head_archive(today=clock.local_today())
            self.stdout.write(f"已存档链头: {path} (archived)" if path else "尚无检查点,未存档 (nothing sealed yet)")
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
        start = verified_mark() if options["incremental"] else None
        report = audit_verify(external_checkpoint=external, archived_head=archived_head_latest(), start=start,
                              stop_at_first=not options["all"], public_keys=public_keys)
        if report.verified_from:
            self.stdout.write(f"自上次校验的第 {report.verified_from} 号事件起校验 (incremental from {report.verified_from})")
        self.stdout.write(
            f"链长 {report.length} 条,未封存 {report.unsealed} 条,检查点 {report.checkpoints_checked} 个 "
            f"(length {report.length}, unsealed tail {report.unsealed}, checkpoints {report.checkpoints_checked})"
        )
        if report.ok:
            if options["incremental"]:
                verified_mark_write(length=report.length, head=report.head_hash, at=clock.now())
            self.stdout.write(self.style.SUCCESS("审计链校验通过 (audit chain verified)"))
            return
        if report.first_broken_seq is not None:
            self.stdout.write(f"首个损坏事件: 第 {report.first_broken_seq} 号 (id {report.first_broken_id})")
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(problem))
        raise CommandError("审计链校验失败 (audit chain verification failed)")
