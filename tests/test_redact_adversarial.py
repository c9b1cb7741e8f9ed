"""Personal data in the forms a naive redactor misses — old IDs in groups, landlines after +86, cards grouped
6-6-7, local numbers after a phone label, labelled document and account numbers, licence plates, birth dates
after their label, and names of persons in the text (honorific, particulars, role) — is masked; what a reader of
a disclosure needs (legal persons and their codes, articles, amounts, dates, case and certificate numbers, the
public hotlines) is left exactly as written. Hypothesis embeds the shapes in Chinese text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import disclosure as rules
from domain.parties import Party
from domain.redact import (
    COMPOUND_SURNAMES,
    PERSON_NAME,
    SINGLE_SURNAMES,
    contains_personal_data,
    find_personal_data,
    looks_like_person_name,
    scrub_text,
)
from tests.test_redact_shapes import credit_codes, id_numbers

FULL_WIDTH_DIGITS = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def digits_of(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text.translate({ord(c): ord(a) for a, c in zip("0123456789X", "０１２３４５６７８９Ｘ", strict=True)}))


# -- numbers -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("旧身份证 110105 491231 002", "旧身份证 ****** ****** ***"),
    ("旧证号110105-491231-002。", "旧证号******-******-***。"),
    ("座机 +86 10 6234 5678", "座机 +** ** **** ****"),
    ("电话 +86-791-88881234", "电话 +**-***-********"),
    ("电话 0086 791 8888 1234", "电话 **** *** **** ****"),
    ("银行卡 622202 123456 7890123", "银行卡 ****** ****** *******"),
    ("银行卡 622202 1234567890123", "银行卡 ****** *************"),
    ("联系电话 8765 4321", "联系电话 **** ****"),
    ("联系方式：87654321。", "联系方式：********。"),
    ("手机号 139-1234-5678", "手机号 ***-****-****"),
    ("护照E12345678", "护照*********"),
    ("港澳通行证 C12345678", "港澳通行证 *********"),
    ("驾驶证号：360102198501011234", "驾驶证号：******************"),
    ("QQ 987654321", "QQ *********"),
    ("qq号987654321", "qq号*********"),
    ("微信号 zs_1990abc，", "微信号 **_*******，"),
    ("身份证后四位002X", "身份证后四位****"),
    ("车牌赣A12345", "车牌赣A*****"),
    ("驾驶京A·D12345号小型汽车", "驾驶京A·******号小型汽车"),
    ("粤B1234学", "粤B****学"),
    ("出生于2010年5月3日", "出生于****年*月*日"),
    ("出生日期：2010-05-03", "出生日期：****-**-**"),
    ("2010年5月出生", "****年*月出生"),
    ("住北京东路123号附5号", "住北京东路***号附*号"),
])  # fmt: skip
def test_forms_a_naive_redactor_misses_are_masked(text: str, expected: str) -> None:
    assert scrub_text(text) == expected
    assert not contains_personal_data(scrub_text(text))


# -- names -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("证人欧阳娜娜女士称", "证人欧阳某某女士称"),
    ("司马光先生在场", "司马某先生在场"),
    ("王小明先生", "王某某先生"),
    ("李建国（男，身份证号略）", "李某某（男，身份证号略）"),
    ("证人李四称其未见", "证人李某称其未见"),
    ("投诉人王小明反映", "投诉人王某某反映"),
    ("法定代表人：赵建国，", "法定代表人：赵某某，"),
    ("当事人张三驾驶货车", "当事人张某驾驶货车"),
    ("房东李大明。", "房东李某某。"),
    ("姓名：张三丰", "姓名：张某某"),
])  # fmt: skip
def test_names_of_persons_in_free_text_keep_only_the_surname(text: str, expected: str) -> None:
    assert scrub_text(text, name_mask="某") == expected
    assert [f.pattern for f in find_personal_data(text)][:1] == [PERSON_NAME]
    assert scrub_text(text) == expected.replace("某", "*").replace("**先生", "**先生")  # the default mask is *


@pytest.mark.parametrize("text", [
    "当事人李女士称", "向李女士了解情况", "当事人江西某某商贸有限公司", "当事人南昌市红谷滩区某某食品店", "当事人高价销售",
    "当事人时年35岁", "当事人方面称", "当事人明知食品过期仍销售", "当事人曾因同类违法行为被处罚", "当事人于2026年3月1日",
    "消费者向执法人员反映", "经营者王某某称", "当事人经营的超市", "当事人陈述、申辩期限", "当事人系个体工商户",
    "当事人及其家属", "股东会决议", "当事人拒不改正", "当事人苏州某某公司", "当事人自称", "当事人黄金首饰店",
    "不得因当事人陈述、申辩而给予更重的处罚", "执法人员张某、李某出示执法证件",
])  # fmt: skip
def test_prose_that_only_looks_like_a_name_is_left_alone(text: str) -> None:
    assert scrub_text(text, name_mask="某") == text


# -- what a reader needs survives -----------------------------------------------------------------------------------
READABLE = [
    "依据《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
    "罚款人民币15,000.00元，没收违法所得1,200.00元",
    "赣新综执罚〔2026〕12号", "（2026）赣7101行审1号", "国办发〔2018〕118号",
    "于2026年3月2日送达，2026-03-02至2026-04-02期间",
    "执法证号 赣3601-0001", "执法证件号码 赣3601-0002",
    "江西某某商贸有限公司（统一社会信用代码 91360100MA35L7Q2XR）",
    "许可证 JY13201020012345", "拨打12345政务服务便民热线或12315投诉举报", "举报电话12345",
    "非税收入缴款书 3601-2026-000123", "工单12345-20260301-0001",
    "江西省南昌市", "赣江新区综合行政执法局", "苏A类", "第3次", "共计5批次",
]  # fmt: skip


@pytest.mark.parametrize("text", READABLE)
def test_what_a_reader_needs_stays_readable(text: str) -> None:
    assert scrub_text(text, name_mask="某") == text
    assert rules.public_text(text, Party(kind="natural_person", name="张三丰", id_number="11010519491231002X")) == text


# -- the party's own name ----------------------------------------------------------------------------------------
def test_the_partys_name_is_masked_however_it_is_written() -> None:
    party = Party(kind="natural_person", name="欧阳娜娜", id_number="11010519491231002X", address="南昌市东湖区阳明路88号")
    text = rules.public_text("欧阳 娜娜称，娜娜于当日签字，欧阳·娜娜女士，住南昌市东湖区阳明路88号", party)
    assert text == "欧阳某称，某某于当日签字，欧阳某女士，住（不予公开）"


def test_a_sole_trader_without_a_business_name_is_shown_as_its_operator_masked() -> None:
    trader = Party(kind="sole_trader", name="张三", uscc="92360100MA38K6T1RD")
    assert rules.public_party(trader) == rules.PublicParty("张某", "92360100MA38K6T1RD", "sole_trader")
    assert rules.public_text("经营者张三在店内销售", trader) == "经营者张某在店内销售"
    named = Party(kind="sole_trader", name="南昌市红谷滩区某某食品店", uscc="92360100MA38K6T1RD")
    assert rules.public_party(named) == rules.PublicParty("南昌市红谷滩区某某食品店", "92360100MA38K6T1RD", "sole_trader")
    assert looks_like_person_name("欧阳娜娜") and not looks_like_person_name("江西某某商贸有限公司")


# -- properties ------------------------------------------------------------------------------------------------------
prose = st.text(alphabet="的了是在这个市区县执法检查发现经营当事人称，。、；：", max_size=12)
given_chars = st.text(alphabet="明华国建伟强军平辉力英芳娜敏静丽娟霞秀玉萍红艳凤春晓燕光", min_size=1, max_size=2)
surnames = st.sampled_from(sorted(SINGLE_SURNAMES | COMPOUND_SURNAMES))


@st.composite
def written_ids(draw: st.DrawFn) -> tuple[str, str]:
    """An ID number as people write it: whole, in groups with spaces, or in full-width digits."""
    number = draw(id_numbers())
    style = draw(st.sampled_from(["plain", "spaced", "full", "full-spaced"]))
    written = number if style in ("plain", "full") else f"{number[:6]} {number[6:14]} {number[14:]}"
    if style.startswith("full"):
        written = written.translate(FULL_WIDTH_DIGITS).replace(" ", "\u3000")
    return number, written


@settings(max_examples=200)
@given(prose, written_ids(), prose)
def test_no_id_number_in_chinese_text_survives_public_text(before: str, number: tuple[str, str], after: str) -> None:
    plain, written = number
    out = rules.public_text(before + written + after)
    assert plain not in digits_of(out)
    assert not re.search(r"[0-9０-９]{4}", out)
    assert not contains_personal_data(out)


@st.composite
def written_phones(draw: st.DrawFn) -> tuple[str, str]:
    """A mobile or a landline as people write it: +86 / 0086 / 86- before it, spaces or dashes inside, full-width."""
    if draw(st.booleans()):
        number = "1" + draw(st.sampled_from("3456789")) + f"{draw(st.integers(0, 10**9 - 1)):09d}"
        prefix = draw(st.sampled_from(["", "+86 ", "+86-", "0086 ", "86-"]))
        sep = draw(st.sampled_from(["", " ", "-"]))
        written = prefix + sep.join((number[:3], number[3:7], number[7:]))
    else:
        area = draw(st.sampled_from(["10", "21", "791", "518", "755"]))
        local = draw(st.sampled_from("23456789")) + f"{draw(st.integers(0, 10**7 - 1)):07d}"
        number = "0" + area + local
        written = draw(st.sampled_from([f"0{area}-{local}", f"(0{area}){local}", f"+86 {area} {local[:4]} {local[4:]}",
                                        f"0{area} {local[:4]} {local[4:]}"]))
    if draw(st.booleans()):
        written = written.translate(FULL_WIDTH_DIGITS).replace(" ", "\u3000").replace("-", "－").replace("+", "＋")
    return number, written


@settings(max_examples=200)
@given(prose, written_phones(), prose)
def test_no_phone_number_in_chinese_text_survives_public_text(before: str, number: tuple[str, str], after: str) -> None:
    plain, written = number
    out = rules.public_text(before + written + after)
    assert plain.lstrip("0") not in digits_of(out)
    assert not re.search(r"[0-9０-９]{3}", out.replace("86", "", 1))
    assert not contains_personal_data(out)


@settings(max_examples=200)
@given(prose, surnames, given_chars, st.sampled_from(["先生", "女士", "（男，", "（女，住"]), prose)
def test_no_given_name_before_an_honorific_survives(before: str, surname: str, given: str, cue: str, after: str) -> None:
    out = rules.public_text(before + surname + given + cue + after)
    assert surname + "某" * len(given) + cue in out


@settings(max_examples=200)
@given(prose, st.sampled_from("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"),
       st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"), st.integers(10000, 99999), prose)
def test_no_licence_plate_survives(before: str, province: str, letter: str, number: int, after: str) -> None:
    out = rules.public_text(f"{before}{province}{letter}{number}{after}")
    assert str(number) not in out and f"{province}{letter}*****" in out


@given(st.lists(st.sampled_from(READABLE), min_size=1, max_size=5), st.lists(prose, min_size=5, max_size=5), credit_codes())
def test_legal_text_and_codes_pass_unchanged(parts: list[str], fillers: list[str], code: str) -> None:
    text = "，".join(p + f for p, f in zip(parts, fillers, strict=False)) + f"（统一社会信用代码 {code}）"
    if contains_personal_data(code):  # an all-digit code that is also a valid ID: privacy wins (tests/test_redact.py)
        return
    assert scrub_text(text, name_mask="某") == text


NEW_PATTERNS = {"labelled_identifier", "labelled_phone", "licence_plate", "bank_card_spaced", "id_card_15_grouped",
                "landline_international", "birth_date_labelled", PERSON_NAME}


@given(st.binary(min_size=16, max_size=96), st.sampled_from(["", "QQ", "qq", "Tel", "x"]))
def test_base64_roots_keys_and_signatures_are_not_taken_for_labelled_data(raw: bytes, infix: str) -> None:
    # Checkpoint notes carry base64 roots and signatures: a "QQ" or "Tel" inside them labels nothing.
    import base64

    encoded = base64.b64encode(raw).decode()
    half = len(encoded) // 2
    text = encoded[:half] + infix + encoded[half:]
    assert not {f.pattern for f in find_personal_data(text)} & NEW_PATTERNS
