"""The draws' pseudonym key (ADR 0017), made for each test as ``clearcheck init`` makes it, never on first use."""

import pytest


@pytest.fixture(autouse=True)
def pseudonym_key(settings, tmp_path):
    """A fresh pseudonym key file per test; returns its path."""
    from clearcheck.sampling.pseudonyms import pseudonym_key_create

    path = str(tmp_path / "keys" / "pseudonym.key")
    pseudonym_key_create(path)
    settings.CLEARCHECK = {**settings.CLEARCHECK, "PSEUDONYM_KEY_FILE": path}
    return path
