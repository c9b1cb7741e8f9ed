"""Errors raised by domain rules: a stable code, a bilingual title, the article enforced, an HTTP status."""

from __future__ import annotations

from typing import Any, ClassVar


class Refusal(Exception):
    """Base of every refusal (domain rules here, identity and concurrency in ``ledger.errors``): a stable code,
    a bilingual title, the article enforced and an HTTP status. Subclasses set the class attributes;
    ``detail`` says what happened."""

    code: ClassVar[str] = "refused"
    title: ClassVar[str] = "拒绝写入"
    title_en: ClassVar[str] = "Refused"
    article: ClassVar[str] = ""
    status: ClassVar[int] = 422

    def __init__(self, detail: str = "", *, article: str | None = None, **context: Any) -> None:
        self.detail = detail or self.title_en
        self.context = context
        if article is not None:
            self.article_override = article
        super().__init__(self.one_line())

    @property
    def cited_article(self) -> str:
        return getattr(self, "article_override", None) or self.article

    def one_line(self) -> str:
        """The CLI rendering: code, titles, article, detail on one line."""
        article = f" {self.cited_article}" if self.cited_article else ""
        return f"{self.code}: {self.title} / {self.title_en}{article} — {self.detail}"

    def problem(self) -> dict[str, Any]:
        """RFC 9457 problem details (the HTTP rendering of the same error)."""
        return {
            "type": f"urn:zhifa:error:{self.code}",
            "title": self.title,
            "title_en": self.title_en,
            "status": self.status,
            "detail": self.detail,
            "article": self.cited_article,
            "code": self.code,
            "provisional": "provisional:" in self.detail,
        }


class DomainError(Refusal):
    """Base of every refusal by a procedure, personnel or catalog rule."""

    code = "domain-error"
    title = "违反执法程序规则"
    title_en = "Refused by an enforcement rule"


class MalformedAct(DomainError):
    code = "malformed-act"
    title = "行为内容格式不符"
    title_en = "The act's payload does not match its type"
    status = 400


class UnknownActType(DomainError):
    code = "unknown-act-type"
    title = "未知的执法行为类型"
    title_en = "Unknown act type"
    status = 400


class NotAuthorised(DomainError):
    code = "not-authorised"
    title = "无权实施该行为"
    title_en = "The signer may not perform this act"
    status = 403
