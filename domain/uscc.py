"""Unified social credit code (统一社会信用代码, GB 32100-2015): alphabet, check character and the fields it carries.

Layout of the 18 characters: 1 登记管理部门代码 (registration authority), 2 机构类别代码 (entity type), 3–8
登记管理机关行政区划码 (GB/T 2260 division code, digits), 9–17 主体标识码 (组织机构代码, GB 11714), 18 校验码.
Characters take the values 0–30 over ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z); weights are
3^(i−1) mod 31 and the check value is 31 − (Σ value·weight mod 31), where 31 is written ``0``.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES: dict[str, int] = {char: value for value, char in enumerate(ALPHABET)}
MODULUS = len(ALPHABET)  # 31
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, MODULUS) for i in range(17))
LENGTH = 18

# 登记管理部门 and their 机构类别, as assigned under GB 32100-2015 (authorities and types added by later
# assignments are accepted by the check; parse_uscc reports them as unnamed).
REGISTRATION_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
ENTITY_TYPES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"},
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}


@dataclass(frozen=True)
class Uscc:
    """A parsed code. Names are ``None`` for an authority or type the table above does not know."""

    code: str
    registration_authority: str
    registration_authority_name: str | None
    entity_type: str
    entity_type_name: str | None
    division_code: str
    organization_code: str
    check_char: str

    @property
    def is_sole_trader(self) -> bool:
        """个体工商户 (工商 / 2): shown by business name and code, never by the operator's ID number."""
        return self.registration_authority == "9" and self.entity_type == "2"


def uscc_check_char(first17: str) -> str:
    """The check character (校验码) for the first 17 characters; raises ValueError on a foreign character."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"need the first 17 characters, got {len(first17)}")
    total = 0
    for position, (char, weight) in enumerate(zip(first17, WEIGHTS, strict=True), start=1):
        if char not in VALUES:
            raise ValueError(f"{char!r} at position {position} is not in the code alphabet")
        total += VALUES[char] * weight
    return ALPHABET[(MODULUS - total % MODULUS) % MODULUS]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or ``None`` if it is."""
    if len(code) != LENGTH:
        return f"has {len(code)} characters, not {LENGTH}"
    for position, char in enumerate(code, start=1):
        if char not in VALUES:
            return f"{char!r} at position {position} is not in the code alphabet (no I, O, S, V, Z; upper case)"
    if not code[2:8].isdigit():
        return f"positions 3–8 ({code[2:8]}) must be the digits of an administrative division code"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]!r}, the first 17 characters give {expected!r}"
    return None


def is_valid_uscc(code: str) -> bool:
    """Whether ``code`` is a well-formed unified social credit code with a correct check character."""
    return uscc_problem(code) is None


def parse_uscc(code: str) -> Uscc:
    """Split a valid code into its fields; raises ValueError saying what is wrong with an invalid one."""
    problem = uscc_problem(code)
    if problem is not None:
        raise ValueError(f"{code!r} is not a valid unified social credit code: {problem}")
    authority, entity_type = code[0], code[1]
    return Uscc(
        code=code,
        registration_authority=authority,
        registration_authority_name=REGISTRATION_AUTHORITIES.get(authority),
        entity_type=entity_type,
        entity_type_name=ENTITY_TYPES.get(authority, {}).get(entity_type),
        division_code=code[2:8],
        organization_code=code[8:17],
        check_char=code[17],
    )
