"""Errors of the feeds package: input a feed cannot be rendered from, each with a stable code (like every Refusal)."""

from __future__ import annotations


class FeedError(Exception):
    """Base of every feeds error; ``code``, ``title`` and ``title_en`` mirror ``domain.errors.Refusal``."""

    code = "feed-error"
    title = "订阅源无法生成"
    title_en = "The feed cannot be rendered"
    status = 500


class FeedInputError(FeedError, ValueError):
    """The plain data handed to a renderer breaks a rule of the feed formats (naive time, bad origin, …)."""

    code = "feed-input"
    title = "订阅源数据不合规"
    title_en = "The feed input breaks a rule of the feed formats"
    status = 500
