"""Which tickets a bot or AI agent touched first, and what became of them (pure Polars).

The canonical frame keeps little of it: the channel vocabulary folds ``Answer Bot for Web
Widget`` into ``chat`` or ``web``, and nothing records who answered first. The export's own
columns survive beside it in the snapshot as ``raw:<header>`` (see
:mod:`lib.store.snapshot_scan`), and tags survive lower-cased, so the marks are read there:
columns chosen by header (:data:`lib.bot.words.COLUMN_KINDS`), values and tags by the words of
:mod:`lib.bot.words`, plus the canonical ``agent`` and ``first_agent``.

Per ticket: ``bot_first`` (any bot mark: bots sit in front of the queue, so a ticket a bot
touched met it first), ``handed_off`` (a bot ticket a person then handled: an explicit handoff
mark, an escalation, or a person as owner without a bot-resolved mark), ``bot_resolved`` (a
bot ticket solved or closed with no person afterwards) and ``bot_open`` (a bot ticket neither:
still open, or abandoned).

>>> import polars as pl
>>> t = pl.DataFrame({"ticket_id": ["1", "2", "3"], "tags": [["bot_handoff"], [], []],
...     "agent": ["Ana", None, "Ana"], "status": ["solved", "solved", "open"],
...     "escalated": [False, False, False], "raw:Via": ["Chat", "Answer Bot", "Email"]})
>>> mark_tickets(t).tickets.select("bot_first", "handed_off", "bot_resolved").rows()
[(True, True, False), (True, False, True), (False, False, False)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import polars as pl

from lib.bot import words as w
from lib.ingest.normalise.placeholders import NOBODY_PATTERN
from lib.ingest.rules import TAG_LABEL, names_escalation
from lib.schema import LABELS

MARK_COLUMNS = ("bot_first", "handed_off", "bot_resolved", "bot_open")
_SOLVED = ("solved", "closed")
_TAG_SOURCE = {"touched": "bot tags", "handoff": "handoff tags", "resolved": "bot-resolved tags"}
_ESCALAT_NOTE = (
    "The handoff tags {tags} name an escalation: the rule “" + TAG_LABEL + "” counts them as "
    "escalations, so with that rule on every such handoff counts as escalated. Check the rules "
    "on the Data page."
)


def words_of(value: object) -> str:
    """A value as lower-case words (accents dropped, anything else one space).

    >>> words_of("Answer_Bot-for Web Widget!")
    'answer bot for web widget'
    """
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


@cache
def _phrases(spec: str) -> tuple[str, ...]:
    return tuple(p for p in (words_of(x) for x in spec.split("|")) if p)


def _has(words: str, spec: str) -> bool:
    padded = f" {words} "
    return any(f" {p} " in padded for p in _phrases(spec))


def is_bot_name(value: object, *, vendor: str | None = None, extra: Sequence[str] = ()) -> bool:
    """True when ``value`` names a bot or AI agent (not an agent-assist tool).

    >>> [is_bot_name(v) for v in ("Answer Bot for Web Widget", "Fin AI Agent", "Ana Bottini")]
    [True, True, False]
    >>> is_bot_name("Fin"), is_bot_name("Fin", vendor="intercom"), is_bot_name("Fin AI Copilot")
    (False, True, False)
    """
    if value is None:
        return False
    words = words_of(value)
    if not words or _has(words, w.NOT_BOT):
        return False
    if words in {words_of(x) for x in extra if words_of(x)}:
        return True
    if vendor and words in _phrases(w.VENDOR_BOT_NAMES.get(vendor, "")):
        return True
    return _has(words, w.BOT_NAMES)


def tag_meaning(tag: str) -> str | None:
    """What a tag says about a bot: ``"handoff"``, ``"resolved"``, ``"touched"`` or ``None``.

    >>> [tag_meaning(t) for t in ("bot_handoff", "fin_resolved", "answerbot", "fin", "vip")]
    ['handoff', 'resolved', 'touched', None, None]
    """
    words = words_of(tag)
    if not words or _has(words, w.NOT_BOT):
        return None
    handoff, resolved = _has(words, w.TAG_HANDOFF_WORDS), _has(words, w.TAG_RESOLVED_WORDS)
    prefixed = words.split()[0] in _phrases(w.TAG_BOT_PREFIXES) and len(words.split()) > 1
    stated = handoff or resolved or _has(words, w.TAG_INVOLVED_WORDS)
    if not (_has(words, w.TAG_BOT_WORDS) or (prefixed and stated)):
        return None
    return "handoff" if handoff else "resolved" if resolved else "touched"


def bot_columns(names: Iterable[str]) -> dict[str, str]:
    """The export columns (``raw:<header>``) read for bot marks, with their kind.

    >>> bot_columns(["raw:Via", "raw:via.channel", "raw:Subject", "raw:Fin AI Agent participated"])
    {'raw:Via': 'entry', 'raw:via.channel': 'entry', 'raw:Fin AI Agent participated': 'flag'}
    """
    out: dict[str, str] = {}
    for name in names:
        if not name.startswith("raw:"):
            continue
        header = words_of(name[4:])
        for kind, spec in w.COLUMN_KINDS.items():
            if header in _phrases(spec):
                out[name] = kind
                break
    return out


@dataclass(frozen=True)
class BotMarks:
    """Per-ticket bot marks and where they came from.

    ``tickets``: ticket_id and :data:`MARK_COLUMNS`; ``evidence``: one row per column or tag
    that marked tickets (``source``, ``values``: examples, ``tickets``); ``looked_at``: the
    columns read (for the sentence shown when nothing was found); ``notes``: traps seen.
    """

    tickets: pl.DataFrame
    evidence: pl.DataFrame
    looked_at: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """True when at least one ticket carries a bot mark."""
        return bool(self.tickets.height) and bool(self.tickets.get_column("bot_first").any())


def _strings(frame: pl.DataFrame, col: str) -> pl.Series:
    s = frame.get_column(col)
    return s if s.dtype == pl.String else s.cast(pl.String, strict=False)


def _classify(values: pl.Series, test: Callable[[str], bool]) -> list[str]:
    return [v for v in values.unique().drop_nulls().to_list() if test(v)]


def _people(values: pl.Series, bots: list[str]) -> list[str]:
    """The distinct cells naming a person: not empty, not a bot, not a "nobody" word."""
    uniq = values.unique().drop_nulls()
    keep = (uniq.str.strip_chars().str.len_chars() > 0) & ~uniq.is_in(bots)
    keep &= ~uniq.str.contains(NOBODY_PATTERN).fill_null(False)
    return uniq.filter(keep).to_list()


def mark_tickets(
    frame: pl.DataFrame, *, vendor: str | None = None, extra_names: Sequence[str] = ()
) -> BotMarks:
    """Mark each ticket of ``frame`` (canonical columns, optionally with ``raw:`` columns).

    ``extra_names``: the team's own bot names (an agent called ``Ava``). ``vendor`` defaults to
    the frame's most common ``source``.
    """
    n = frame.height
    false = pl.repeat(False, n, dtype=pl.Boolean, eager=True)
    if vendor is None and "source" in frame.columns and n:
        vendor = frame.get_column("source").mode().sort().item(0)
    bot, human, handoff, resolved = false, false, false, false
    evidence: list[tuple[str, str, int]] = []
    looked: list[str] = []
    notes: list[str] = []

    def note(source: str, hit: pl.Series, values: list[str]) -> None:
        row = (source, ", ".join(sorted(values)[:3]), int(hit.sum()))
        if hit.any() and row[1:] not in [e[1:] for e in evidence]:  # a mapped column, once
            evidence.append(row)

    def is_bot(v: str) -> bool:
        return is_bot_name(v, vendor=vendor, extra=extra_names)

    for col in ("first_agent", "agent"):
        if col in frame.columns:
            looked.append(LABELS[col])
            s = _strings(frame, col)
            bots = _classify(s, is_bot)
            hit = s.is_in(bots).fill_null(False)
            bot, human = bot | hit, human | s.is_in(_people(s, bots)).fill_null(False)
            note(LABELS[col], hit, bots)
    for col, kind in bot_columns(frame.columns).items():
        looked.append(col.removeprefix("raw:"))
        s = _strings(frame, col)
        if kind == "flag":
            vals = _classify(s, lambda v: words_of(v) in _phrases(w.YES))
        elif kind == "state":
            vals = _classify(s, lambda v: bool(words_of(v)))
            done = _classify(s, lambda v: words_of(v) in _phrases(w.RESOLVED_STATES))
            moved = _classify(s, lambda v: words_of(v) in _phrases(w.HANDOFF_STATES))
            resolved = resolved | s.is_in(done).fill_null(False)
            handoff = handoff | s.is_in(moved).fill_null(False)
        elif kind == "role":
            vals = _classify(s, lambda v: words_of(v) in _phrases(w.BOT_ROLES) or is_bot(v))
        else:
            vals = _classify(s, is_bot)
        hit = s.is_in(vals).fill_null(False)
        bot = bot | hit
        if kind in ("first", "handler"):
            human = human | s.is_in(_people(s, vals)).fill_null(False)
        note(col.removeprefix("raw:"), hit, vals)
    if "tags" in frame.columns:
        looked.append(LABELS["tags"])
        tags = frame.select("tags").with_row_index("_i").explode("tags").drop_nulls("tags")
        meaning = {t: tag_meaning(t) for t in tags.get_column("tags").unique().to_list()}
        meant = {t: m for t, m in meaning.items() if m}
        for kind in ("touched", "handoff", "resolved"):
            chosen = [t for t, m in meant.items() if m == kind]
            rows = tags.filter(pl.col("tags").is_in(chosen)).get_column("_i").unique()
            hit = false.clone().scatter(rows, True) if rows.len() else false
            bot = bot | hit
            if kind == "handoff":
                handoff = handoff | hit
                if trap := sorted(t for t in chosen if names_escalation(t))[:3]:
                    notes.append(_ESCALAT_NOTE.format(tags=", ".join(trap)))
            elif kind == "resolved":
                resolved = resolved | hit
            note(_TAG_SOURCE[kind], hit, chosen)
    escalated = frame.get_column("escalated") if "escalated" in frame.columns else false
    status = frame.get_column("status") if "status" in frame.columns else false.cast(pl.String)
    solved = status.cast(pl.String).is_in(_SOLVED).fill_null(False)
    handed = bot & (handoff | escalated.fill_null(False) | (human & ~resolved))
    done = bot & ~handed & solved
    marks = pl.DataFrame(
        {
            "ticket_id": frame.get_column("ticket_id"),
            "bot_first": bot,
            "handed_off": handed,
            "bot_resolved": done,
            "bot_open": bot & ~handed & ~done,
        }
    )
    ev = pl.DataFrame(evidence, schema=["source", "values", "tickets"], orient="row")
    return BotMarks(marks, ev.cast({"tickets": pl.Int64}), tuple(looked), tuple(notes))


__all__ = ["MARK_COLUMNS", "BotMarks", "bot_columns", "is_bot_name", "mark_tickets", "tag_meaning"]
