"""``clearcheck draw verify FILE``: re-compute a published draw from its JSON alone (R24).

``clearcheck draw export ID [FILE]`` writes a revealed draw's published JSON; ``--internal`` writes the whole
document of a ``clearcheck-draw/1`` draw, individual businesses' USCCs included, for the bureau's audit (the
published one leaves them out, ADR 0017).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from clearcheck.sampling import algorithm


class Command(BaseCommand):
    """Verify or export a published draw."""

    help = "Verify a published double-random draw (verify FILE), or export a revealed one (export ID [FILE])."
    # Verification needs neither the URLconf nor the API schemas that the system checks import (1–3 s of a
    # 10 s budget, performance §5); ``manage.py check`` and CI still run every check.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="re-compute a published draw JSON and report a match or the first difference")
        verify.add_argument("file")
        export = sub.add_parser("export", help="write the published JSON of a revealed draw")
        export.add_argument("draw_id", type=int)
        export.add_argument("file", nargs="?")
        export.add_argument("--internal", action="store_true",
                            help="the whole document, individual businesses' USCCs of a /1 draw included (audit only)")

    def handle(self, *args, **options):
        if options["action"] == "verify":
            return self._verify(options["file"])
        return self._export(options["draw_id"], options.get("file"), internal=options.get("internal", False))

    def _verify(self, path: str) -> None:
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 {path}:{exc}") from None
        problems = algorithm.verify_document(document)
        if isinstance(document, dict) and document.get("redacted") and document.get("algorithm") in algorithm.VERSIONS:
            self.stdout.write(f"UNVERIFIABLE 无法独立校验:{problems[0]}")
            sys.exit(3)
        if problems:
            self.stdout.write(f"MISMATCH 不符:{problems[0]}")
            sys.exit(1)
        self.stdout.write(f"MATCH 一致:抽中 {len(document.get('selection', []))} 户企业、"
                          f"{len(document.get('teams', []))} 个检查组;框架哈希 {document['frame_sha256']}")

    def _export(self, draw_id: int, path: str | None, *, internal: bool = False) -> None:
        from clearcheck.sampling.choices import DrawStatus
        from clearcheck.sampling.documents import draw_document
        from clearcheck.sampling.models import Draw

        draw = Draw.objects.select_related("agency").filter(pk=draw_id, status=DrawStatus.REVEALED).first()
        if draw is None:
            raise CommandError(f"没有已公开的抽取 #{draw_id}")
        text = json.dumps(draw_document(draw, public=not internal), ensure_ascii=False, indent=1)
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text)
