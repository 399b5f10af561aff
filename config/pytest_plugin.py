"""The test process's environment, set before pytest-django reads the settings (loaded early through
``-p config.pytest_plugin`` in pyproject's ``addopts``; a conftest.py comes too late for INSTALLED_APPS).

The suite tests the demo county and its commands, so the demo app is installed (``CLEARCHECK_DEMO=1``),
whichever way pytest is started (``make test``, CI, ``python -m pytest``).
"""

import os

os.environ["CLEARCHECK_DEMO"] = "1"
