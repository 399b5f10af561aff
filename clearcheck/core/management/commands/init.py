"""``clearcheck init``: create the platform's key files, the only way they are ever made."""

from django.core.management.base import BaseCommand, CommandError

from clearcheck.core.keys import key_files, key_files_create


class Command(BaseCommand):
    """Create missing key files (never replacing one); ``--check`` only reports."""

    help = "create the signing and pseudonym key files that are missing (existing keys are never replaced)"

    def add_arguments(self, parser):
        """Declare ``--check``."""
        parser.add_argument("--check", action="store_true",
                            help="only report which key files exist; exit 1 when one is missing")

    def handle(self, *args, **options):
        """Create or check the key files."""
        if options["check"]:
            missing = [k for k in key_files() if not k.exists]
            for key in key_files():
                state = "存在 (present)" if key.exists else "缺失 (missing)"
                self.stdout.write(f"{key.label}: {key.path} {state}")
            if missing:
                raise CommandError("密钥文件缺失,请从备份恢复或运行 `clearcheck init` (key files missing)")
            return
        created = 0
        for key, made in key_files_create():
            if made:
                created += 1
                self.stdout.write(self.style.SUCCESS(f"已创建{key.label}: {key.path} (created)"))
            else:
                self.stdout.write(f"{key.label}已存在,未改动: {key.path} (kept)")
        if created:
            self.stdout.write("请将新密钥文件与数据库一并备份:丢失密钥后,已打印的企业码和已签名的检查点将无法验证。"
                              " (Back the key files up with the database.)")
