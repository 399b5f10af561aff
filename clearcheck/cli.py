"""The ``clearcheck`` console command: runs the platform's management commands.

``clearcheck audit verify`` is ``manage.py audit verify``; any Django command works the same way.
"""

import os
import sys


def main() -> None:
    """Dispatch ``clearcheck <command> [args]`` to Django's management commands."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clearcheck", *sys.argv[1:]])


if __name__ == "__main__":
    main()
