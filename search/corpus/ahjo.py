"""Ahjo API responses (`.json`): the decisions and meetings that Helsinki's decision API (Ahjo) returns,
saved as they came, one response a file.

A file is recognised by its content: an object with a `decisions` or `meetings` list, each entry an
object or (a shape the API has also returned) a one-element list holding the object. Bulletins are:

- each decision (kind `decision`), its text the decision's `Content` (its `Motion` while there is none);
- each meeting's päätöstiedote, `DecisionAnnouncement` (kind `announcement`), id `<MeetingID>-tiedote`;
- each agenda item that has `HTML` (kind `agenda_item`), id `<MeetingID>-<AgendaPoint>`.

A päätöstiedote or an agenda item whose HTML is plain text instead (the API sends its conversion
error `Virhe xml -> html muunnoksessa` so) has no HTML: like one not yet published, it is no
bulletin until a later fetch brings its text. A decision without HTML is a problem.

An entry that cannot be read is a problem `file: entry N (id): reason`; the rest of the file is read.
A bulletin whose text is larger than the limit is such a problem, and a file larger than
RESPONSE_BULLETINS times the limit (64 MB at the default 1 MB: what `bulletins fetch` takes from the
API at most) is not read at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from search.corpus.bulletin import CASE, Bulletin, PartialDate, Problem, clean_text, normalize_case, normalize_id
from search.corpus.files import max_bytes, read_bounded, too_large
from search.corpus.html import HtmlDocument, NotHtmlError
from search.corpus.text import derive_title

LISTS = ("decisions", "meetings")
# How much larger than the limit of one bulletin a whole response file may be.
RESPONSE_BULLETINS = 64
DECISION, AGENDA_ITEM, ANNOUNCEMENT = "decision", "agenda_item", "announcement"

# The head of an Ahjo document says what the bulletin's fields already hold (title, §, diary number);
# `esitysPdfVersioId` holds the id of a motion's PDF, no text for a reader.
_HEAD_CLASSES = ("AsiaOtsikko", "Asiapykala", "DnroTmuoto", "esitysPdfVersioId")
_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})")
_SECTION = re.compile(r"(\d+\s*[a-z]?)\b")


class EntryError(ValueError):
    """An entry, or one of its bulletins, cannot be read."""


def read(path: Path, name: str, limit: int = max_bytes()) -> Iterator[Bulletin | Problem]:
    """Yield the bulletins of one saved API response, and a problem for every entry that cannot be read
    or whose bulletin is larger than `limit` bytes."""
    content = read_bounded(path, name, RESPONSE_BULLETINS * limit, "API response")
    if isinstance(content, Problem):
        yield content
        return
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except RecursionError:
        yield Problem(f"{name}:1", "broken JSON (nested too deeply)")
        return
    except UnicodeDecodeError as error:
        yield Problem(f"{name}:1", f"invalid UTF-8 (byte {error.object[error.start]:#04x} at offset {error.start})")
        return
    except json.JSONDecodeError as error:
        yield Problem(f"{name}:{error.lineno}", f"broken JSON: {error.msg} at column {error.colno}")
        return
    try:
        key, entries = response_entries(data)
    except EntryError as error:
        yield Problem(f"{name}:1", str(error))
        return
    for number, entry in enumerate(entries, 1):
        for found in (decision_bulletins if key == "decisions" else meeting_bulletins)(entry, f"{name}: entry {number}"):
            size = len(found.body.encode("utf-8")) if isinstance(found, Bulletin) else 0
            yield Problem(found.source, too_large(size, limit)) if size > limit else found


def response_entries(data: Any) -> tuple[str, list[Any]]:
    """Which list a response holds (`decisions` or `meetings`) and its entries; EntryError if it is no
    Ahjo API response."""
    if isinstance(data, dict):
        for key in LISTS:
            if isinstance(data.get(key), list):
                return key, data[key]
    raise EntryError("not an Ahjo API response: expected a JSON object with a 'decisions' or 'meetings' list")


def unwrap(entry: Any, what: str) -> dict[str, Any]:
    """The object of an entry, also when the API wrapped it in a one-element list; EntryError if none."""
    if isinstance(entry, list) and len(entry) == 1:
        entry = entry[0]
    if not isinstance(entry, dict):
        raise EntryError(f"not a {what} object but {_kind(entry)}")
    return entry


def decision_bulletins(entry: Any, source: str) -> Iterator[Bulletin | Problem]:
    """The one bulletin of a decision entry, or its problem."""
    bulletin_id = "?"
    try:
        decision = unwrap(entry, "decision")
        bulletin_id = _id(_string(decision, "NativeId", required=True).strip("{}"))
        field = "Content" if _string(decision, "Content") else "Motion"
        html = _string(decision, field)
        if not html:
            raise EntryError("no text: 'Content' and 'Motion' are empty")
        document = _document(html, field)
        organization, meeting = _object(decision, "Organization"), _object(decision, "Meeting")
        title = _string(decision, "Title") or document.class_text("AsiaOtsikko")
        yield _bulletin(
            document, source, id=bulletin_id, kind=DECISION, title=title,
            dates=(_string(decision, "DateDecision"), _string(meeting, "DateMeeting")),
            organ=_string(organization, "Name") or _string(meeting, "DecisionMaker"),
            case=_string(decision, "CaseIDLabel") or _string(decision, "CaseID") or _html_case(document),
            classification=_string(decision, "ClassificationTitle"),
            section=_string(decision, "Section"), url=_self_link(decision))
    except EntryError as error:
        yield Problem(f"{source} ({bulletin_id})", str(error))


def meeting_bulletins(entry: Any, source: str) -> Iterator[Bulletin | Problem]:
    """The päätöstiedote and the agenda items (those with HTML) of a meeting entry, or their problems."""
    try:
        meeting = unwrap(entry, "meeting")
        meeting_id = _id(_string(meeting, "MeetingID", required=True))
    except EntryError as error:
        yield Problem(f"{source} (?)", str(error))
        return
    organ = _string(meeting, "DecisionMaker") or _string(meeting, "Name")
    announcement = f"{meeting_id}-tiedote"
    try:
        html = _string(meeting, "DecisionAnnouncement")
        if html and _is_html(html):
            yield _bulletin(_document(html, "DecisionAnnouncement"), source, id=announcement, kind=ANNOUNCEMENT,
                            title=_announcement_title(meeting, organ), dates=(_string(meeting, "DateMeeting"),),
                            organ=organ, url=_self_link(meeting))
    except EntryError as error:
        yield Problem(f"{source} ({announcement})", str(error))
    try:
        agenda = meeting.get("Agenda") or []
        if not isinstance(agenda, list):
            raise EntryError(f"'Agenda' must be a list, not {_kind(agenda)}")
    except EntryError as error:
        yield Problem(f"{source} ({meeting_id})", str(error))
        return
    points: dict[str, int] = {}  # how often each agenda point has come
    for item in agenda:
        yield from _agenda_item(item, meeting, meeting_id, organ, source, points)


def _agenda_item(item: Any, meeting: dict[str, Any], meeting_id: str, organ: str | None, source: str,
                 points: dict[str, int]) -> Iterator[Bulletin | Problem]:
    """The bulletin of an agenda item with HTML. An item is `<MeetingID>-<AgendaPoint>`; the same point
    again (its version in the other language) adds that language: `U420202114-8-sv`."""
    bulletin_id = f"{meeting_id}-?"
    try:
        item = unwrap(item, "agenda item")
        point = _string(item, "AgendaPoint", required=True)
        pdf = _object(item, "PDF")
        seen, points[point] = points.get(point, 0), points.get(point, 0) + 1
        language = (_string(pdf, "Language") or "").lower() or str(seen + 1)
        bulletin_id = _id(f"{meeting_id}-{point}" + (f"-{language}" if seen else ""))
        html = _string(item, "HTML")
        if not html or not _is_html(html):  # not yet published, not in the public agenda, or the API's error
            return
        document = _document(html, "HTML")
        yield _bulletin(document, source, id=bulletin_id, kind=AGENDA_ITEM,
                        title=_string(item, "AgendaItem") or document.class_text("AsiaOtsikko"),
                        dates=(_string(meeting, "DateMeeting"),), organ=organ,
                        case=_html_case(document), section=_string(item, "Section"),
                        url=_string(pdf, "FileURI"), lang=_string(pdf, "Language"))
    except EntryError as error:
        yield Problem(f"{source} ({bulletin_id})", str(error))


def _bulletin(document: HtmlDocument, source: str, *, id: str, kind: str, title: str | None,
              dates: tuple[str | None, ...], organ: str | None, url: str | None, case: str | None = None,
              classification: str | None = None, section: str | None = None, lang: str | None = None) -> Bulletin:
    """The bulletin of one Ahjo document; EntryError if it has no text or no date. A document that is
    its head alone (a confidential decision is only its title) has the title for its text."""
    title = clean_text(title or "").strip()
    body = clean_text(document.text(_HEAD_CLASSES)) or title
    if not body:
        raise EntryError("no text: the HTML holds none")
    return Bulletin(
        id=id, date=_date(dates, document), title=title or derive_title(body), body=body,
        source=source, url=url, organ=clean_text(organ) if organ else None,
        lang=document.lang or (lang or "").lower() or None, kind=kind, case=normalize_case(case) if case else None,
        classification=clean_text(classification) if classification else None,
        section=_section(section or document.class_text("Asiapykala")))


def _date(dates: tuple[str | None, ...], document: HtmlDocument) -> PartialDate:
    """The first date the API gives, else the day the HTML was generated (ThisHTMLGenerated)."""
    for text in (*dates, document.meta("ThisHTMLGenerated")):
        match = _DATE.match(text or "")
        if match:
            try:
                return PartialDate.parse(match[1])
            except ValueError as error:
                raise EntryError(str(error)) from None
    raise EntryError("no date: neither the API nor the HTML's ThisHTMLGenerated gives one")


def _announcement_title(meeting: dict[str, Any], organ: str | None) -> str | None:
    """The deciding body with the meeting's number and date: `Kaupunginhallitus 43/2021, 15.11.2021`."""
    match = _DATE.match(_string(meeting, "DateMeeting") or "")
    try:
        day = date.fromisoformat(match[1]) if match else None
    except ValueError:
        day = None
    if not organ or not day:
        return organ
    number = meeting.get("MeetingSequenceNumber")
    numbered = f"{organ} {number}/{day.year}" if isinstance(number, int) else organ
    return f"{numbered}, {day.day}.{day.month}.{day.year}"


def _html_case(document: HtmlDocument) -> str | None:
    """The diary number in the document's head (`HEL 2021-012873 T 00 00 02`), if any."""
    match = CASE.search(document.class_text("DnroTmuoto") or "")
    return match[0] if match else None


def _section(text: str | None) -> str | None:
    """The number of a § as written in any of the API's ways (`1`, `21 §`, `§ 11`): `21`."""
    match = _SECTION.search(text or "")
    return match[1].replace(" ", "") if match else None


def _is_html(text: str) -> bool:
    """Whether `text` holds HTML at all, not plain text sent in its place."""
    try:
        HtmlDocument(text)
    except NotHtmlError:
        return False
    return True


def _document(html: str, field: str) -> HtmlDocument:
    try:
        return HtmlDocument(html)
    except NotHtmlError as error:
        raise EntryError(f"'{field}' is {error}") from None


def _id(raw: str) -> str:
    try:
        return normalize_id(raw)
    except ValueError as error:
        raise EntryError(str(error)) from None


def _string(record: dict[str, Any] | None, key: str, required: bool = False) -> str | None:
    """The string at `key`, stripped, or None if absent, null or blank; EntryError if it is something else
    (a number is taken as its text) or if `required` and missing."""
    value = (record or {}).get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise EntryError(f"'{key}' must be a string, not {_kind(value)}")
    value = (value or "").strip() or None
    if required and value is None:
        raise EntryError(f"missing '{key}'")
    return value


def _object(record: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = record.get(key)
    if value is not None and not isinstance(value, dict):
        raise EntryError(f"'{key}' must be an object, not {_kind(value)}")
    return value


def _self_link(record: dict[str, Any]) -> str | None:
    """The address of the record in the API (its `links` entry with `rel` self)."""
    links = record.get("links")
    for link in links if isinstance(links, list) else ():
        if isinstance(link, dict) and link.get("rel") == "self" and isinstance(link.get("href"), str):
            return link["href"]
    return None


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if isinstance(value, list):
        return f"an array of {len(value)}"
    kinds = {dict: "an object", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
