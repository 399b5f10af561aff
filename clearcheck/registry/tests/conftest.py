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


@pytest.fixture
def keeper_agency(bureau):
    """The agency that keeps the register of companies and individual businesses (USCC "9…", ADR 0018)."""
    return agency_make(actor=bureau, name="东阿县市场监督管理局(测试)", register_authorities="9")


@pytest.fixture
def keeper_admin(keeper_agency):
    """An admin of the register's keeper."""
    return user_make(Role.AGENCY_ADMIN, agency=keeper_agency)
