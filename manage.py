#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run a management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from clearcheck.core.crypto import KeyFileMissing

    try:
        execute_from_command_line(sys.argv)
    except KeyFileMissing as missing:
        # A missing key is an operator's matter, not a bug: say which file, without a traceback.
        sys.exit(str(missing))


if __name__ == "__main__":
    main()
