"""Scoping by actor: missing and not-yours are the same NotFound."""

import pytest
from django.contrib.auth.models import AnonymousUser

from clearcheck.accounts.choices import Role
from clearcheck.core.errors import NotFound
from clearcheck.registry import selectors

from .factories import agency_list_publish_all, agency_make, enterprise_make, officer_make, user_make

pytestmark = pytest.mark.django_db


def test_agency_user_cannot_see_another_agencys_officers(bureau, agency, other_agency, agency_admin):
    mine = officer_make(agency=agency, actor=bureau)
    theirs = officer_make(agency=other_agency, actor=bureau)
    assert list(selectors.officer_list_for_actor(actor=agency_admin)) == [mine]
    assert selectors.officer_get_for_actor(actor=agency_admin, officer_id=mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.officer_get_for_actor(actor=agency_admin, officer_id=theirs.pk)
    with pytest.raises(NotFound):
        selectors.officer_get_for_actor(actor=agency_admin, officer_id=999999)


@pytest.mark.parametrize("role", [Role.BUREAU, Role.GOVERNMENT, Role.DISCIPLINE])
def test_county_roles_see_every_officer(bureau, agency, other_agency, role):
    officer_make(agency=agency, actor=bureau)
    officer_make(agency=other_agency, actor=bureau)
    assert selectors.officer_list_for_actor(actor=user_make(role)).count() == 2


def test_enterprise_and_public_see_no_officers(bureau, agency):
    officer_make(agency=agency, actor=bureau)
    account = user_make(Role.ENTERPRISE, enterprise=enterprise_make(actor=bureau))
    assert not selectors.officer_list_for_actor(actor=account).exists()
    assert not selectors.officer_list_for_actor(actor=AnonymousUser()).exists()


def test_enterprise_user_sees_only_itself(bureau):
    own, other = enterprise_make(actor=bureau), enterprise_make(actor=bureau)
    account = user_make(Role.ENTERPRISE, enterprise=own)
    assert list(selectors.enterprise_list_for_actor(actor=account)) == [own]
    with pytest.raises(NotFound):
        selectors.enterprise_get_for_actor(actor=account, enterprise_id=other.pk)
    assert not selectors.enterprise_list_for_actor(actor=AnonymousUser()).exists()


def test_agency_users_see_every_enterprise_for_inspections(bureau, agency):
    enterprise_make(actor=bureau)
    enterprise_make(actor=bureau)
    officer_user = user_make(Role.OFFICER, agency=agency)
    assert selectors.enterprise_list_for_actor(actor=officer_user).count() == 2


def test_enterprise_filters(bureau):
    ejiao = enterprise_make(actor=bureau, name="东阿阿胶股份有限公司")
    shop = enterprise_make(actor=bureau, name="东阿县便民超市", industry="5212", entity_type="individual_business")
    assert list(selectors.enterprise_list_for_actor(actor=bureau, q="阿胶")) == [ejiao]
    assert list(selectors.enterprise_list_for_actor(actor=bureau, q=shop.uscc.lower())) == [shop]
    assert list(selectors.enterprise_list_for_actor(actor=bureau, industry="27")) == [ejiao]
    assert list(selectors.enterprise_list_for_actor(actor=bureau, entity_type="individual_business")) == [shop]
    assert selectors.enterprise_list_for_actor(actor=bureau, region="371524").count() == 2
    assert not selectors.enterprise_list_for_actor(actor=bureau, status="cancelled").exists()


def test_agencies_public_are_the_listed_ones_and_agency_users_see_their_own(bureau, government):
    listed = agency_make(actor=bureau)
    agency_list_publish_all(bureau=bureau, government=government)
    unlisted = agency_make(actor=bureau)
    assert list(selectors.agency_list_public()) == [listed]
    with pytest.raises(NotFound):
        selectors.agency_get_public(agency_id=unlisted.pk)
    insider = user_make(Role.AGENCY_ADMIN, agency=unlisted)
    assert set(selectors.agency_list_for_actor(actor=insider)) == {listed, unlisted}
    outsider = user_make(Role.AGENCY_ADMIN, agency=listed)
    with pytest.raises(NotFound):
        selectors.agency_get_for_actor(actor=outsider, agency_id=unlisted.pk)
    assert selectors.agency_list_for_actor(actor=bureau).count() == 2


def test_agency_list_drafts_are_visible_to_county_roles_only(bureau, government, agency):
    published = agency_list_publish_all(bureau=bureau, government=government)
    from clearcheck.registry import services

    draft = services.agency_list_draft(actor=bureau)
    assert list(selectors.agency_lists_for_actor(actor=user_make(Role.DISCIPLINE))) == [draft, published]
    assert list(selectors.agency_lists_for_actor(actor=AnonymousUser())) == [published]
    assert list(selectors.agency_lists_published()) == [published]


def test_enterprise_list_has_no_n_plus_one(bureau, django_assert_max_num_queries):
    for _ in range(5):
        enterprise_make(actor=bureau)
    with django_assert_max_num_queries(1):
        rows = [(e.region.name, e.industry.name) for e in selectors.enterprise_list_for_actor(actor=bureau)]
    assert len(rows) == 5
