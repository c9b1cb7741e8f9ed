"""Public outputs carry no personal data: names → 张某, no digit of an ID, phone, card or house number survives,
while credit codes, case numbers, digests and UUIDs pass untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.redact import (
    PATTERNS,
    contains_personal_data,
    find_personal_data,
    id_card_checksum_ok,
    mask_person_name,
    scrub_text,
)
from domain.uscc import ALPHABET, is_valid_uscc, uscc_check_char

# The examples printed in GB 11643-1999 (公民身份号码) itself.
GB11643_EXAMPLES = ["11010519491231002X", "440524188001010014"]


def gb11643_check(first17: str) -> str:
    """The check digit as the standard states it: Σ aᵢ·2^(18−i) mod 11 → 1 0 X 9 8 7 6 5 4 3 2."""
    total = sum(int(a) * (2 ** (17 - i) % 11) for i, a in enumerate(first17))
    return "10X98765432"[total % 11]


# -- names ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张某"),
        ("李小龙", "李某"),
        ("欧阳娜娜", "欧阳某"),
        ("司马光", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("阿依古丽·买买提", "阿某"),
        ("  王五 ", "王某"),
    ],
)
def test_person_name_is_published_as_surname_and_mou(name, masked):
    assert mask_person_name(name) == masked


def test_two_character_name_starting_like_a_compound_surname_keeps_one_character():
    # 欧阳 alone is 欧 + given name 阳: the given name must not be published.
    assert mask_person_name("欧阳") == "欧某"


def test_given_name_never_appears_in_the_masked_name():
    assert "三丰" not in mask_person_name("张三丰")
    assert "娜娜" not in mask_person_name("欧阳娜娜")


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_rejected(name):
    with pytest.raises(ValueError):
        mask_person_name(name)


@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_masking_a_masked_name_changes_nothing(name):
    once = mask_person_name(name)
    assert mask_person_name(once) == once
    assert once.endswith("某")


# -- ID numbers -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("number", GB11643_EXAMPLES)
def test_id_check_digit_of_the_standards_examples(number):
    assert id_card_checksum_ok(number)
    assert gb11643_check(number[:17]) == number[17]


def test_id_with_a_wrong_check_digit_fails_the_checksum():
    assert not id_card_checksum_ok("110105194912310021")
    assert not id_card_checksum_ok("11010519491231002")


@pytest.mark.parametrize("number", GB11643_EXAMPLES)
def test_eighteen_digit_id_is_masked_whole(number):
    assert scrub_text(f"身份证号{number}。") == "身份证号" + "*" * 18 + "。"


def test_mistyped_id_is_still_masked():
    assert scrub_text("身份证号110105194912310021") == "身份证号" + "*" * 18


def test_fifteen_digit_id_is_masked():
    # First-generation: 110105 + 491231 + 002.
    assert scrub_text("旧证号110105491231002") == "旧证号" + "*" * 15


def test_full_width_id_is_masked():
    assert scrub_text("证号１１０１０５１９４９１２３１００２Ｘ") == "证号" + "*" * 18


# -- phones, cards, e-mail ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678。", "电话***********。"),
        ("tel:13912345678", "tel:***********"),
        ("手机 +86 138-1234-5678", "手机 +** ***-****-****"),
        ("手机138 1234 5678", "手机*** **** ****"),
    ],
)
def test_mobile_numbers_are_masked(text, expected):
    assert scrub_text(text) == expected


def test_eleven_digits_starting_12_are_not_a_mobile_but_still_a_long_number():
    assert [f.pattern for f in find_personal_data("号12012345678")] == ["long_number"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("座机025-84567890", "座机***-********"),
        ("座机（025）84567890转123", "座机（***）********转***"),
        ("座机0512 6789123", "座机**** *******"),
    ],
)
def test_landlines_with_area_code_are_masked(text, expected):
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卡号6222021234567890123", "卡号" + "*" * 19),
        ("卡号6222 0212 3456 7890", "卡号**** **** **** ****"),
        ("卡号 6222-0212-3456-7890-123", "卡号 ****-****-****-****-***"),
    ],
)
def test_bank_card_numbers_are_masked(text, expected):
    assert scrub_text(text) == expected


def test_email_local_part_is_masked_and_the_domain_kept():
    assert scrub_text("邮箱zhangsan@qq.com") == "邮箱********@qq.com"
    assert scrub_text("邮箱13812345678@163.com") == "邮箱***********@163.com"


# -- addresses --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住南京市玄武区中山路12号", "住南京市玄武区中山路**号"),
        ("住中山路12-1号", "住中山路**-*号"),
        ("住南京东路123弄45号", "住南京东路***弄**号"),
        ("住幸福村8组23号", "住幸福村*组**号"),
        ("住某小区3幢2单元402室", "住某小区*幢*单元***室"),
        ("住12号楼", "住**号楼"),
    ],
)
def test_house_numbers_are_masked_and_the_road_kept(text, expected):
    assert scrub_text(text) == expected


# -- what must survive --------------------------------------------------------------------------------------------
PUBLISHED_USCC = ["91350100M000100Y43", "914403001922038216", "9144030071526726XG", "91110000710925462X"]
CASE_NUMBERS = [
    "苏宁市监罚〔2026〕12号",
    "国办发〔2018〕118号",
    "(2026)苏01行初12号",
    "京市监处罚〔2025〕第000123号",
    "国务院令第310号",
]


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_credit_codes_survive(code):
    text = f"当事人某公司（统一社会信用代码：{code}），电话13812345678"
    scrubbed = scrub_text(text)
    assert code in scrubbed
    assert "13812345678" not in scrubbed


@pytest.mark.parametrize("case_number", CASE_NUMBERS)
def test_case_numbers_survive(case_number):
    text = f"依据{case_number}决定书，罚款10,000.00元，于2026年3月1日送达。"
    assert scrub_text(text) == text
    assert not contains_personal_data(text)


def test_digests_uuids_and_licence_numbers_survive():
    text = (
        "证据 sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08，"
        "案件 550e8400-e29b-41d4-a716-446655440000，许可证 JY13201020012345"
    )
    assert scrub_text(text) == text


def test_eighteen_digits_that_are_both_a_credit_code_and_an_id_are_masked():
    # Privacy wins a tie. 120101 (天津市和平区) + born 1949-12-31 + a sequence: an ID shape that also reads as a
    # credit code of a 事业单位 (1, 2). About one sequence in 31 gives a check digit both standards accept.
    for seq in range(1000):
        first17 = f"12010119491231{seq:03d}"
        number = first17 + gb11643_check(first17)
        if is_valid_uscc(number):
            assert scrub_text(f"编号 {number} 。") == "编号 " + "*" * 18 + " 。"
            return
    pytest.fail("no sequence gives a string valid under both standards")


def test_credit_code_with_wrong_check_character_is_not_protected_when_id_shaped():
    # 110105194912310021 fails both checks: an ID typo, masked.
    assert not is_valid_uscc("110105194912310021")
    assert contains_personal_data("编号110105194912310021")


def test_contains_personal_data_accepts_a_clean_text_and_flags_a_dirty_one():
    assert not contains_personal_data("当事人张某，统一社会信用代码91350100M000100Y43。")
    assert contains_personal_data("当事人张某，电话13812345678。")


def test_every_pattern_names_what_it_protects():
    assert {p.name for p in PATTERNS} >= {"email", "id_card_18", "id_card_15", "bank_card", "mobile", "landline"}
    assert all(p.label and p.why and "secret" in p.regex.groupindex for p in PATTERNS)


# -- properties -------------------------------------------------------------------------------------------------
@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 829999))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2026, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + gb11643_check(first17)


@st.composite
def old_id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 829999))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)))
    seq = draw(st.integers(0, 999))
    return f"{region}{born:%y%m%d}{seq:03d}"


mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1))
personal_numbers = st.one_of(id_numbers(), old_id_numbers(), mobiles)
# What sits between free text and the number in real documents: punctuation, spaces, labels in Chinese.
separators = st.sampled_from([" ", "，", "：", ":", "（", "）", "\n", "电话", "身份证号", "、", "。", "号码为"])


def windows(number: str, width: int = 11) -> list[str]:
    digits = number.rstrip("X")
    return [digits[i : i + width] for i in range(len(digits) - width + 1)]


@given(st.text(), separators, personal_numbers, separators, st.text())
def test_scrubbing_leaves_no_eleven_digits_of_an_embedded_number(before, sep1, number, sep2, after):
    scrubbed = scrub_text(before + sep1 + number + sep2 + after)
    for window in windows(number):
        assert window not in scrubbed


chinese_text = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))


@given(chinese_text, personal_numbers, chinese_text)
def test_numbers_glued_to_chinese_text_are_masked(before, number, after):
    scrubbed = scrub_text(before + number + after)
    assert scrubbed == before + "*" * len(number) + after


@given(st.text())
def test_scrubbed_text_contains_no_personal_data_and_keeps_its_length(text):
    scrubbed = scrub_text(text)
    assert len(scrubbed) == len(text)
    assert not contains_personal_data(scrubbed)
    assert all(a == b or b == "*" for a, b in zip(text, scrubbed, strict=True))


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from("159Y")) + draw(st.sampled_from("123"))
    division = f"{draw(st.integers(110000, 659999))}"
    body = "".join(draw(st.lists(st.sampled_from(ALPHABET), min_size=9, max_size=9)))
    first17 = head + division + body
    return first17 + uscc_check_char(first17)


@given(credit_codes(), st.text(), mobiles)
def test_credit_codes_survive_next_to_personal_data(code, text, mobile):
    if id_card_checksum_ok(code):  # an all-digit code that is also an ID: privacy wins (tested above)
        return
    scrubbed = scrub_text(f"{text}，代码{code}，电话{mobile}")
    assert f"代码{code}，" in scrubbed
    # The phone itself is masked digit for digit (the code may contain the same digits, so look at the phone's place).
    assert scrubbed.endswith("电话" + "*" * len(mobile))
