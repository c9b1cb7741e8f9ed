"""Unified social credit code (GB 32100-2015): published codes pass, every single error is caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.uscc import ALPHABET, WEIGHTS, is_valid_uscc, parse_uscc, uscc_check_char, uscc_problem

STANDARD_EXAMPLE = "91350100M000100Y43"  # the example printed in GB 32100-2015 (and in DOMAIN.md)

# Codes published by large enterprises (business licences, annual reports). A random check character is right
# 1 time in 31, so these passing is evidence for the algorithm, not for the code under test.
PUBLISHED = [
    STANDARD_EXAMPLE,
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110000710925462X",  # 中国石油天然气股份有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]


def test_weights_are_powers_of_three_mod_31():
    # GB 32100-2015 table: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert is_valid_uscc(code)
    assert uscc_problem(code) is None


def test_check_character_of_the_standard_example_is_3():
    assert uscc_check_char(STANDARD_EXAMPLE[:17]) == "3"


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("0" * 17, "0"),  # Σ = 0 → 31 − 0 = 31, written 0
        ("1" + "0" * 16, "Y"),  # Σ = 1·1 = 1 → 30 → Y (value 30)
        ("01" + "0" * 15, "W"),  # Σ = 1·3 = 3 → 28 → W (value 28)
        ("0" * 16 + "1", "3"),  # Σ = 1·28 = 28 → 3
        ("A" + "0" * 16, "M"),  # A = 10, Σ = 10 → 21 → M (H=17, J=18, K=19, L=20, M=21)
    ],
)
def test_check_character_worked_by_hand(first17, check):
    assert uscc_check_char(first17) == check


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91350100M000100Y44", "check character"),  # last character changed
        ("91350100M000100Y4", "17 characters"),
        ("91350100M000100Y433", "19 characters"),
        ("91350100m000100Y43", "alphabet"),  # lower case
        ("91350100O000100Y43", "alphabet"),  # O is not used
        ("9135010OM000100Y43", "alphabet"),
        ("91I50100M000100Y43", "alphabet"),
        ("91A50100M000100Y43", "positions 3–8"),  # division code must be digits
        ("", "0 characters"),
        ("９１350100M000100Y43", "alphabet"),  # full-width digits
    ],
)
def test_invalid_codes_are_rejected_with_the_reason(code, why):
    assert not is_valid_uscc(code)
    problem = uscc_problem(code)
    assert problem is not None
    assert why in problem


def test_check_char_refuses_wrong_length_and_foreign_characters():
    with pytest.raises(ValueError):
        uscc_check_char("9135010")
    with pytest.raises(ValueError, match="alphabet"):
        uscc_check_char("91350100M000100S4")


def test_parse_splits_the_standard_example_into_its_fields():
    parsed = parse_uscc(STANDARD_EXAMPLE)
    assert parsed.registration_authority == "9"
    assert parsed.registration_authority_name == "工商"
    assert parsed.entity_type == "1"
    assert parsed.entity_type_name == "企业"
    assert parsed.division_code == "350100"  # 福建省福州市
    assert parsed.organization_code == "M000100Y4"
    assert parsed.check_char == "3"
    assert not parsed.is_sole_trader


def test_parse_recognises_a_sole_trader():
    first17 = "92320102MA1XXXXX1".replace("X", "A")
    parsed = parse_uscc(first17 + uscc_check_char(first17))
    assert parsed.entity_type_name == "个体工商户"
    assert parsed.is_sole_trader


def test_parse_leaves_an_unknown_authority_unnamed():
    first17 = "B1350100M000100Y4"
    parsed = parse_uscc(first17 + uscc_check_char(first17))
    assert parsed.registration_authority_name is None
    assert parsed.entity_type_name is None


def test_parse_rejects_an_invalid_code():
    with pytest.raises(ValueError, match="check character"):
        parse_uscc("91350100M000100Y44")


codes = st.sampled_from(PUBLISHED)


@given(codes, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_detected(code, position, replacement):
    if code[position] == replacement or (2 <= position < 8 and not replacement.isdigit()):
        return
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_uscc(changed)


@given(codes, st.integers(0, 15))
def test_any_adjacent_transposition_in_the_first_17_is_detected(code, position):
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    assert not is_valid_uscc(swapped)
