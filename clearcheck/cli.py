"""The ``clearcheck`` console command: runs the platform's management commands.

``clearcheck audit verify`` is ``manage.py audit verify``; any Django command works the same way.
"""

import os
import sys


def main() -> None:
    """Dispatch ``clearcheck <command> [args]`` to Django's management commands."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from clearcheck.core.crypto import KeyFileMissing

    try:
        execute_from_command_line(["clearcheck", *sys.argv[1:]])
    except KeyFileMissing as missing:
        # A missing key is an operator's matter, not a bug: say which file, without a traceback.
        sys.exit(str(missing))


if __name__ == "__main__":
    main()
