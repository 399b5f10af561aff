import pytest

from .factories import agency_make, user_make


@pytest.fixture
def agency(db):
    return agency_make("东阿县市场监督管理局")


@pytest.fixture
def other_agency(db):
    return agency_make("东阿县应急管理局")


@pytest.fixture
def admin(agency):
    return user_make("agency_admin", agency)


@pytest.fixture
def head(agency):
    return user_make("agency_head", agency)


@pytest.fixture
def other_admin(other_agency):
    return user_make("agency_admin", other_agency)


@pytest.fixture
def bureau(db):
    return user_make("bureau")
