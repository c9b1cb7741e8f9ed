"""Sample feed data: the fixed items behind the golden files, and synthetic feeds of any size (tests, demo, bench)."""

from __future__ import annotations

import datetime as dt
import hashlib

from feeds.kinds import FeedKind, feed_path
from feeds.model import CHECKPOINT, WITHDRAWAL, FeedItem, FeedMeta

ORIGIN = "js.example/zhifa"
BASE_URL = "http://127.0.0.1:8000"
CREATED = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.UTC)
AGENCY = "agency/3201-zhzf"
AGENCY_NAME = "南京市综合行政执法局"
PARTY = "91350100M000100Y43"
_CST = dt.timezone(dt.timedelta(hours=8))


def sample_meta(kind: FeedKind = "disclosures", key: str | None = None) -> FeedMeta:
    titles = {
        "disclosures": ("南京市行政执法公示", "行政处罚决定、撤回与到期的全部公示"),
        "agency": ("南京市综合行政执法局 执法公示", "本机关作出的行政执法决定公示"),
        "domain": ("领域执法公示", "本领域的行政执法决定公示"),
        "party": ("当事人执法公示", "按统一社会信用代码订阅"),
        "withdrawals": ("撤回公示", "行政执法决定被变更、撤销或确认违法、无效后的撤回公示"),
        "checkpoints": ("账本检查点", "已签名的默克尔日志检查点"),
    }
    title, subtitle = titles[kind]
    return FeedMeta(
        origin=ORIGIN,
        base_url=BASE_URL,
        path=feed_path(kind, key),
        title=title,
        subtitle=subtitle,
        author_name=AGENCY_NAME,
        created=CREATED,
        home_path="/disclosures" if kind != "checkpoints" else "/",
    )


def _hash(n: int) -> str:
    return hashlib.sha256(f"leaf {n}".encode()).hexdigest()


def _disclosure(
    leaf: int,
    kind: str,
    title: str,
    summary: str,
    published: dt.datetime,
    *,
    party_uscc: str | None = None,
    party_name: str | None = None,
    withdraws: int | None = None,
    reason: str | None = None,
    categories: tuple[str, ...] = (),
    agency: str = AGENCY,
    domain: str = "城市管理",
    log_size: int = 20,
) -> FeedItem:
    return FeedItem(
        leaf_index=leaf,
        entry_hash=_hash(leaf),
        kind=kind,
        title=title,
        summary=summary,
        published=published,
        updated=published,
        agency=agency,
        agency_name=AGENCY_NAME,
        domain=domain,
        party_uscc=party_uscc,
        party_name=party_name,
        withdraws=withdraws,
        reason=reason,
        categories=categories,
        page_url=f"/disclosures/{leaf}",
        proof_url=f"/log/proof/inclusion?index={leaf}&size={log_size}",
    )


def golden_items() -> list[FeedItem]:
    """Five disclosure items (Chinese text, a withdrawal, an expiry, a non-UTC time, a control character)."""
    at = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    return [
        _disclosure(
            3,
            "decision",
            "宁综执罚决〔2026〕12号 行政处罚决定书",
            "南京某某餐饮管理有限公司占道经营，依据《城市市容和环境卫生管理条例》第三十六条，罚款人民币五千元。",
            at,
            party_uscc=PARTY,
            party_name="南京某某餐饮管理有限公司",
            categories=("行政处罚", "一般程序"),
        ),
        _disclosure(
            7,
            "decision",
            "宁综执罚决〔2026〕15号 行政处罚决定书",
            "王某（个人）擅自设置户外广告，责令限期拆除并罚款人民币一千元。\u0007",
            dt.datetime(2026, 3, 3, 9, 0, tzinfo=_CST),
            categories=("行政处罚",),
        ),
        _disclosure(
            9,
            "notice",
            "宁综执告〔2026〕4号 行政处罚事先告知书",
            "拟对南京某某建材有限公司作出罚款决定，当事人享有陈述、申辩和要求听证的权利。",
            at + dt.timedelta(days=2),
            party_uscc="91320100MA1N2B3C4D",
            party_name="南京某某建材有限公司",
        ),
        _disclosure(
            12,
            WITHDRAWAL,
            "撤回公示：宁综执罚决〔2026〕12号",
            "该行政处罚决定已被复议机关撤销，依法撤回公示。",
            at + dt.timedelta(days=5),
            party_uscc=PARTY,
            party_name="南京某某餐饮管理有限公司",
            withdraws=3,
            reason="复议决定撤销原行政处罚决定",
        ),
        _disclosure(
            15,
            "expiry",
            "公示期满：宁综执罚决〔2026〕15号",
            "公示期届满，该决定不再公开展示，记录依法保留。",
            at + dt.timedelta(days=95),
            reason="公示期届满（三个月）",
        ),
    ]


def checkpoint_items() -> list[FeedItem]:
    """Two signed checkpoints; the note (C2SP signed-note text) is the content."""
    out = []
    for n, size in enumerate((8, 20)):
        root = hashlib.sha256(f"root {size}".encode()).hexdigest()
        note = f"{ORIGIN}\n{size}\n{root[:44]}=\n\n— {ORIGIN} AbCdEf0123456789abcdefghijkl=\n"
        at = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC) + dt.timedelta(days=n)
        out.append(
            FeedItem(
                leaf_index=size - 1,
                entry_hash=root,
                kind=CHECKPOINT,
                tree_size=size,
                title=f"检查点：日志大小 {size}",
                summary=f"已签名的检查点，覆盖第 0–{size - 1} 条记录。",
                content=note,
                published=at,
                updated=at,
                page_url=f"/log/checkpoint?size={size}",
                proof_url=f"/log/proof/consistency?first={size}&second={size}",
            )
        )
    return out


def synthetic_items(count: int, *, start: int = 0) -> list[FeedItem]:
    """``count`` disclosures from leaf ``start`` on: every 10th a withdrawal of an earlier one, every 17th an expiry."""
    out = []
    base = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    for leaf in range(start, start + count):
        kind = WITHDRAWAL if leaf % 10 == 9 else "expiry" if leaf % 17 == 16 else "decision"
        out.append(
            _disclosure(
                leaf,
                kind,
                f"第{leaf}号 {'撤回公示' if kind == WITHDRAWAL else '行政处罚决定书'}",
                f"第{leaf}号公示，当事人某某有限公司。",
                base + dt.timedelta(minutes=7 * leaf),
                agency=AGENCY if leaf % 3 else "agency/3202-zhzf",
                domain="城市管理" if leaf % 2 else "市场监管",
                party_uscc=PARTY if leaf % 5 == 0 else None,
                withdraws=leaf - 5 if kind == WITHDRAWAL else None,
                reason="决定被撤销" if kind == WITHDRAWAL else None,
                log_size=leaf + 1,
            )
        )
    return out
