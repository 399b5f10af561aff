"""The enterprise hot path agrees with ``registry.validators.enterprise_clean`` on every input tried,
and the benchmark entry point validates and writes without a file.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearcheck.exchange.fast_path import (
    COLUMNS,
    enterprise_row_clean,
    enterprise_row_fast,
    enterprises_import_rows,
)
from clearcheck.registry.models import Enterprise
from clearcheck.registry.validators import enterprise_clean

from .conftest import uscc

REGIONS = frozenset({"371524", "371500"})
INDUSTRIES = frozenset({"2740", "1810"})

text_or_none = st.one_of(st.none(), st.text(max_size=8))
numberish = st.one_of(
    st.none(), st.just(""), st.text(max_size=6), st.sampled_from(["36.336", "-12.5", "116", "0.0000005", "90.0"]),
    st.decimals(min_value=-200, max_value=200, allow_nan=False, places=7).map(str),
    st.floats(min_value=-200, max_value=200, allow_nan=False).map(lambda f: f"{f:.{abs(hash(f)) % 14}f}"),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-200, 200),
)


def mostly(valid, other):
    """Usually a valid value (so the fast path is reached), sometimes anything."""
    return st.integers(0, 9).flatmap(lambda n: other if n == 9 else valid)


rows = st.fixed_dictionaries(
    {
        "uscc": mostly(st.sampled_from([uscc(1), uscc(2).lower(), f" {uscc(3)[:9]} {uscc(3)[9:]}"]),
                       st.one_of(st.just("X"), text_or_none, st.integers())),
        "name": mostly(st.sampled_from(["东阿阿胶", " 甲 "]),
                       st.one_of(text_or_none, st.just("东阿阿胶" * 60), st.integers())),
        "entity_type": mostly(st.sampled_from(["legal_person", " legal_person ", "unincorporated"]),
                              st.one_of(st.sampled_from(["法人", "个体工商户"]), text_or_none)),
        "region": mostly(st.sampled_from(["371524", " 371524"]), st.one_of(st.sampled_from(["999999", ""]),
                                                                            st.integers(371500, 371530))),
        "industry": mostly(st.sampled_from(["2740", "1810 "]), st.one_of(st.just("0000"), st.integers(2739, 2741))),
        "status": mostly(st.sampled_from(["operating", "cancelled", "", " revoked"]),
                         st.one_of(st.just("存续"), text_or_none)),
    },
    optional={
        "legal_representative": st.one_of(text_or_none, st.just("张" * 70), st.integers()),
        "address": st.one_of(text_or_none, st.just("路" * 300)),
        "region_code": st.sampled_from(["371524", "1"]),
        "industry_code": st.sampled_from(["2740", "1"]),
        "coordinate_datum": st.one_of(st.sampled_from(["wgs84", "gcj02", "bd09", " wgs84", "mars", ""]), st.none()),
    },
)
plain = st.sampled_from(["36.336", "-12.5", "116", "0.0000005", "90.0", "36.1234565", "-0.0"])
coordinates = st.integers(0, 5).flatmap(
    lambda n: st.tuples(numberish, numberish) if n == 5 else st.tuples(st.just(""), st.none()) if n == 4
    else st.tuples(plain, plain)
).map(lambda pair: {"latitude": pair[0], "longitude": pair[1]})
rows = st.tuples(rows, coordinates).map(lambda parts: {**parts[0], **parts[1]})


FAST_HITS: list[int] = []


@pytest.mark.filterwarnings("ignore:Non-Chinese coords")
@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_fast_path_agrees_with_enterprise_clean(data):
    fast = enterprise_row_fast(data, REGIONS, INDUSTRIES)
    try:
        cleaned, errors = enterprise_clean(data, region_codes=REGIONS, industry_codes=INDUSTRIES)
    except (ArithmeticError, ValueError):
        # registry.validators raises on some extreme datum conversions; the import turns that into a row error.
        assert fast is None
        assert enterprise_row_clean(data, REGIONS, INDUSTRIES)[1][0].field == "latitude"
        return
    if fast is None:
        return  # the row goes to enterprise_clean itself
    FAST_HITS.append(1)

    assert not errors
    assert dict(zip(COLUMNS, fast, strict=True)) == cleaned
    # Same types too (a TextChoices member is a str: the database sees the same text).
    kinds = [str if isinstance(v, str) else type(v) for v in fast]
    assert kinds == [str if isinstance(cleaned[c], str) else type(cleaned[c]) for c in COLUMNS]


def test_property_test_exercised_the_fast_path():
    # Runs after the property test in file order: guards against a strategy that never reaches it.
    assert len(FAST_HITS) >= 100


@pytest.mark.parametrize("lat", ["36.3", "-0.0000005", "0.0000005", "89.9999995", "36.1234565", "-90", "90"])
def test_fast_path_rounds_like_decimal_quantize(lat):
    data = {"uscc": uscc(1), "name": "甲", "entity_type": "legal_person", "region": "371524", "industry": "2740",
            "latitude": lat, "longitude": lat}
    fast = enterprise_row_fast(data, REGIONS, INDUSTRIES)
    cleaned, errors = enterprise_clean(data, region_codes=REGIONS, industry_codes=INDUSTRIES)
    assert not errors and fast is not None
    assert fast[7] == cleaned["latitude"] and str(fast[7]) == str(cleaned["latitude"])


@pytest.mark.django_db
def test_benchmark_entry_point(codes):
    rows = [{"uscc": uscc(n), "name": f"企业{n}", "entity_type": "legal_person", "region": "371524",
             "industry": "2740"} for n in range(1, 101)]
    assert enterprises_import_rows(rows)["created"] == 100
    again = enterprises_import_rows([*rows, {**rows[0], "name": "改名"}, {"uscc": "X"}], all_or_nothing=False)
    assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == (0, 0, 100, 2)
    assert [e["line"] for e in again["errors"]][0] == 102
    assert Enterprise.objects.count() == 100
