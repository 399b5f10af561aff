"""Bad input of the registries: USCC (GB 32100-2015), coordinates, credential dates."""

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from clearcheck.registry.choices import Datum
from clearcheck.registry.validators import (
    _ALPHABET,
    coordinates_to_wgs84,
    officer_clean,
    uscc_clean,
    uscc_normalise,
    uscc_problem,
)

from .factories import uscc_make


def test_uscc_valid_code_passes_and_agrees_with_stdnum():
    code = uscc_make(12345)
    assert uscc_problem(code) is None
    assert stdnum_uscc.is_valid(code)
    # A real code of the national registry (published example of GB 32100): 91350100M000100Y43.
    assert uscc_problem("91350100M000100Y43") is None


def test_uscc_wrong_check_digit_is_refused_on_the_field():
    code = uscc_make(777)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    cleaned, error = uscc_clean(wrong)
    assert error is not None and error.field == "uscc" and "校验位" in error.message


@pytest.mark.parametrize("value", ["91371524MA3C8Q0K4", "91371524MA3C8Q0K4BX", ""])
def test_uscc_wrong_length_is_refused(value):
    _, error = uscc_clean(value)
    assert error is not None and "18位" in error.message


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_uscc_letters_the_standard_excludes_are_refused(letter):
    body = "91371524" + letter + "12345678"
    _, error = uscc_clean(body + "0")
    assert error is not None and letter in error.message


def test_uscc_lower_case_and_spaces_are_normalised_not_refused():
    code = uscc_make(4242)
    messy = " " + code[:6].lower() + " " + code[6:12] + "-" + code[12:].lower() + " "
    cleaned, error = uscc_clean(messy)
    assert error is None and cleaned == code


_NOISE = " -"
_mixed_alphabet = _ALPHABET + "IOSVZ" + _ALPHABET.lower() + _NOISE


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_mixed_alphabet, min_size=0, max_size=22))
def test_uscc_own_check_agrees_with_stdnum_on_random_strings(value):
    assert (uscc_problem(uscc_normalise(value)) is None) == stdnum_uscc.is_valid(value)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=0, max_value=31**9 - 1),
    st.lists(st.tuples(st.integers(0, 17), st.sampled_from(_ALPHABET + "IOSVZ")), max_size=3),
    st.booleans(),
)
def test_uscc_own_check_agrees_with_stdnum_on_mutated_valid_codes(n, mutations, lower):
    chars = list(uscc_make(n))
    for index, char in mutations:
        chars[index] = char
    value = "".join(chars)
    if lower:
        value = value.lower()
    assert (uscc_problem(uscc_normalise(value)) is None) == stdnum_uscc.is_valid(value)


def test_coordinates_out_of_range_name_their_field():
    _, _, errors = coordinates_to_wgs84(91, 116, Datum.WGS84)
    assert [e.field for e in errors] == ["latitude"]
    _, _, errors = coordinates_to_wgs84(36, -181, Datum.WGS84)
    assert [e.field for e in errors] == ["longitude"]
    _, _, errors = coordinates_to_wgs84("abc", 116, Datum.WGS84)
    assert errors and errors[0].field == "latitude"
    _, _, errors = coordinates_to_wgs84(36, 116, "wgs72")
    assert [e.field for e in errors] == ["coordinate_datum"]


def _metres(lat1, lng1, lat2, lng2) -> float:
    r = 6371000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def test_gcj02_point_in_donge_is_converted_to_wgs84():
    lat, lng = 36.335390, 116.247580  # 东阿县城, as 高德 reports it (GCJ-02)
    wlat, wlng, errors = coordinates_to_wgs84(lat, lng, Datum.GCJ02)
    assert errors == []
    assert 100 <= _metres(lat, lng, float(wlat), float(wlng)) <= 700
    same_lat, same_lng, _ = coordinates_to_wgs84(lat, lng, Datum.WGS84)
    assert (float(same_lat), float(same_lng)) == (lat, lng)


def test_credential_valid_to_before_valid_from_is_refused():
    _, errors = officer_clean({"name": "李四", "credential_no": "X1", "valid_from": "2026-05-01",
                               "valid_to": "2026-04-30"})
    assert [e.field for e in errors] == ["valid_to"]


def test_credential_dates_must_be_dates():
    _, errors = officer_clean({"name": "李四", "credential_no": "X1", "valid_from": "2026-13-01",
                               "valid_to": dt.date(2027, 1, 1)})
    assert [e.field for e in errors] == ["valid_from"]


@pytest.mark.filterwarnings("ignore:Non-Chinese coords")
@pytest.mark.parametrize(("lat", "lng", "datum"), [(90, 116, Datum.GCJ02), (90.0, -12.5, Datum.BD09)])
def test_coordinates_that_cannot_be_converted_are_a_field_error_not_a_crash(lat, lng, datum):
    wlat, wlng, errors = coordinates_to_wgs84(lat, lng, datum)
    assert (wlat, wlng) == (None, None) and [e.field for e in errors] == ["latitude"]
