"""Project-wide pytest fixtures: isolated signing keys and files, reference data, users per role."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_keys_and_files(settings, tmp_path):
    # Each test signs with its own key and stores files in its own folder.
    settings.CLEARCHECK = {**settings.CLEARCHECK, "SIGNING_KEY_FILE": str(tmp_path / "keys" / "audit.pem")}
    settings.MEDIA_ROOT = tmp_path / "files"
