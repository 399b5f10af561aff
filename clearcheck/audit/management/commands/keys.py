"""``clearcheck keys list|rotate``: the platform's signing keys and their history (issue 20)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clearcheck.audit.services import KEY_ALIASES, platform_key_rotate
from clearcheck.core import crypto
from clearcheck.core.keys import KeyRotationRefused, key_files, key_history


class Command(BaseCommand):
    """List the keys and the retired ones, or rotate a signing key (audited)."""

    help = "list: the key files and the retired keys; rotate audit|code: retire a signing key and make a new one"

    def add_arguments(self, parser):
        """Declare the sub-commands."""
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="show each key file, its key id and the retired keys with their periods")
        rotate = sub.add_parser("rotate", help="retire a signing key (kept in the history) and create its successor")
        rotate.add_argument("key", choices=sorted(KEY_ALIASES), help="audit: checkpoints; code: enterprise codes")

    def handle(self, *args, **options):
        """Run the chosen sub-command."""
        if options["action"] == "rotate":
            try:
                old, new = platform_key_rotate(actor=None, key=options["key"])
            except (crypto.KeyFileMissing, KeyRotationRefused) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(f"已轮换密钥:{old} 停用,{new} 启用 (rotated {old} -> {new})"))
            self.stdout.write("请立即备份新的密钥文件和密钥历史(history.json);停用的公钥已列入 /public/audit/keys.json 与 "
                              "/public/keys/codes.json。 (Back up the new key file and the history now.)")
            return
        for key in key_files():
            if key.kind != "ed25519":
                self.stdout.write(f"{key.label}: {key.path}")
                continue
            try:
                key_id = crypto.signing_key_load(key.path).key_id
            except crypto.KeyFileMissing:
                key_id = "缺失 (missing)"
            self.stdout.write(f"{key.label}: {key_id} ({key.path})")
        for retired in key_history():
            since = timezone.localtime(retired.valid_from).strftime("%Y-%m-%d %H:%M") if retired.valid_from else "启用之初"
            until = timezone.localtime(retired.retired_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"  已停用 {retired.setting} {retired.key_id}: {since} 至 {until}")
