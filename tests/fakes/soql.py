"""A tiny SOQL subset for the fake Salesforce: SELECT … FROM … [WHERE …] [ORDER BY …] [LIMIT n].

WHERE supports ``AND``/``OR``/``NOT``, parentheses, ``= != <> < <= > >= LIKE IN``, strings, numbers,
dates, datetimes, ``true``/``false``/``null``. Enough for what the connector sends; anything else is a
``MALFORMED_QUERY``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jobshift.domain.normalize.sfid import to_18

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<str>'(?:[^'\\]|\\.)*')
  | (?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<op><=|>=|!=|<>|=|<|>|\(|\)|,)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
)""",
    re.VERBOSE,
)


class SoqlError(Exception):
    """A query the fake cannot parse (``MALFORMED_QUERY``) or naming an unknown field (``INVALID_FIELD``)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass
class Query:
    """A parsed query."""

    fields: list[str]
    sobject: str
    where: Any = None
    order_by: list[tuple[str, bool]] = field(default_factory=list)
    limit: int | None = None

    def referenced(self) -> set[str]:
        """Every field the query names."""
        out = set(self.fields) | {f for f, _ in self.order_by}
        _collect(self.where, out)
        return out

    def filtered(self) -> set[str]:
        """The fields the WHERE clause names."""
        out: set[str] = set()
        _collect(self.where, out)
        return out


def _collect(node: Any, out: set[str]) -> None:
    if node is None:
        return
    if node[0] in ("and", "or"):
        _collect(node[1], out)
        _collect(node[2], out)
    elif node[0] == "not":
        _collect(node[1], out)
    else:
        out.add(node[1])


def _tokens(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SoqlError("MALFORMED_QUERY", f"unexpected token at {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.t[self.i] if self.i < len(self.t) else ("eof", "")

    def kw(self, word: str) -> bool:
        kind, val = self.peek()
        if kind == "ident" and val.upper() == word:
            self.i += 1
            return True
        return False

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        k, v = self.peek()
        if (kind and k != kind) or (value and v != value):
            raise SoqlError("MALFORMED_QUERY", f"expected {value or kind}, got {v!r}")
        self.i += 1
        return v

    def value(self) -> Any:
        kind, val = self.peek()
        self.i += 1
        if kind == "str":
            return val[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        if kind == "dt":
            return _parse_dt(val)
        if kind == "date":
            return val
        if kind == "num":
            return float(val) if "." in val else int(val)
        if kind == "ident" and val.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[val.lower()]
        raise SoqlError("MALFORMED_QUERY", f"unexpected value {val!r}")

    def expr(self) -> Any:
        node = self.term()
        while self.kw("OR"):
            node = ("or", node, self.term())
        return node

    def term(self) -> Any:
        node = self.factor()
        while self.kw("AND"):
            node = ("and", node, self.factor())
        return node

    def factor(self) -> Any:
        if self.kw("NOT"):
            return ("not", self.factor())
        if self.peek() == ("op", "("):
            self.i += 1
            node = self.expr()
            self.take("op", ")")
            return node
        name = self.take("ident")
        if self.kw("LIKE"):
            return ("like", name, self.value())
        if self.kw("IN"):
            self.take("op", "(")
            vals = [self.value()]
            while self.peek() == ("op", ","):
                self.i += 1
                vals.append(self.value())
            self.take("op", ")")
            return ("in", name, vals)
        op = self.take("op")
        if op not in ("=", "!=", "<>", "<", "<=", ">", ">="):
            raise SoqlError("MALFORMED_QUERY", f"unexpected operator {op!r}")
        return (op, name, self.value())


def parse(text: str) -> Query:
    """Parse ``text`` into a :class:`Query` (raises :class:`SoqlError`)."""
    p = _Parser(_tokens(text))
    if not p.kw("SELECT"):
        raise SoqlError("MALFORMED_QUERY", "expected SELECT")
    fields = [p.take("ident")]
    while p.peek() == ("op", ","):
        p.i += 1
        fields.append(p.take("ident"))
    if not p.kw("FROM"):
        raise SoqlError("MALFORMED_QUERY", "expected FROM")
    q = Query(fields=fields, sobject=p.take("ident"))
    if p.kw("WHERE"):
        q.where = p.expr()
    if p.kw("ORDER"):
        if not p.kw("BY"):
            raise SoqlError("MALFORMED_QUERY", "expected BY")
        while True:
            name = p.take("ident")
            desc = p.kw("DESC")
            if not desc:
                p.kw("ASC")
            q.order_by.append((name, desc))
            if p.peek() != ("op", ","):
                break
            p.i += 1
    if p.kw("LIMIT"):
        q.limit = int(p.take("num"))
    if p.peek()[0] != "eof":
        raise SoqlError("MALFORMED_QUERY", f"unexpected {p.peek()[1]!r}")
    return q


def _parse_dt(value: str) -> datetime:
    v = value.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", v):
        v = v[:-2] + ":" + v[-2:]
    return datetime.fromisoformat(v).astimezone(UTC)


def _cmp_value(stored: Any, literal: Any) -> Any:
    if isinstance(literal, datetime) and isinstance(stored, str):
        return _parse_dt(stored)
    return stored


def matches(node: Any, record: dict[str, Any]) -> bool:
    """Whether ``record`` satisfies the WHERE tree ``node``."""
    if node is None:
        return True
    op = node[0]
    if op == "and":
        return matches(node[1], record) and matches(node[2], record)
    if op == "or":
        return matches(node[1], record) or matches(node[2], record)
    if op == "not":
        return not matches(node[1], record)
    _, name, lit = node
    raw = record.get(name)
    if name == "Id" or name.endswith("Id"):  # ids: the 15- and 18-character forms are one record
        raw = to_18(raw) if isinstance(raw, str) else raw
        lit = (
            [to_18(v) if isinstance(v, str) else v for v in lit]
            if op == "in"
            else (to_18(lit) if isinstance(lit, str) else lit)
        )
    if op == "in":  # string comparisons are case-insensitive in SOQL
        folded = {v.lower() if isinstance(v, str) else v for v in lit}
        return (raw.lower() if isinstance(raw, str) else raw) in folded
    if op == "like":
        if raw is None:
            return False
        rx = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in str(lit))
        return re.fullmatch(rx, str(raw), re.IGNORECASE | re.DOTALL) is not None
    if op in ("=", "!=", "<>"):
        val = _cmp_value(raw, lit)
        both_str = isinstance(val, str) and isinstance(lit, str)
        equal = val.lower() == lit.lower() if both_str else val == lit
        return equal if op == "=" else not equal
    if raw is None or lit is None:
        return False
    val = _cmp_value(raw, lit)
    return bool({"<": val < lit, "<=": val <= lit, ">": val > lit, ">=": val >= lit}[op])
