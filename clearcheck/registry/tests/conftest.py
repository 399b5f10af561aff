import pytest

from clearcheck.accounts.choices import Role

from .factories import agency_make, bureau_make, user_make


@pytest.fixture
def bureau(db):
    return bureau_make()


@pytest.fixture
def government(db):
    return user_make(Role.GOVERNMENT)


@pytest.fixture
def discipline(db):
    return user_make(Role.DISCIPLINE)


@pytest.fixture
def agency(bureau):
    return agency_make(actor=bureau)


@pytest.fixture
def other_agency(bureau):
    return agency_make(actor=bureau)


@pytest.fixture
def agency_admin(agency):
    return user_make(Role.AGENCY_ADMIN, agency=agency)


@pytest.fixture
def agency_head(agency):
    return user_make(Role.AGENCY_HEAD, agency=agency)
