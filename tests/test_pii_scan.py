"""No full name and no unmasked ID number of a student leaves the server: every page, callback, export and role.

Each hand-built fixture (full names, 18-digit ID numbers) is served; for
every page registered at run time (``dashboard.PAGES``, so pages added later
are scanned too) and every role, at the nation and at each school (where the
case lists are), the page URL is fetched and walked like the browser walks it
(``tests.dashwalk``: the callbacks come from the app's callback map), and
every export is downloaded. No response body, no log line and no audit row
may hold a full name or an ID number beyond its masked form, and none may hold
a student's masked ID number together with what fills in its masked digits:
the birth date (the ``birth_date`` column and the number's own digits 7–14)
written any way (``20080512``, ``2008-05-12``, ``2008/5/12``,
``2008年5月12日`` …); nor may one page view's responses together. As a check that
the scan reaches case lists at all, the ministry must see masked ID numbers
in every fixture, and any callback response that carries one must have
written a ``view_cases`` audit row.

The full scan (every page, role, export and document) runs on the deadline
fixture on SQLite: the ministry and the province role, which get case lists,
at the nation and every school; leadership and the other province at the
nation and the first school. On PostgreSQL the same for the two roles that
get case lists. Every page view costs the app about half a
second even on a fixture, so the other fixtures, which feed the other pages'
case lists, are scanned for the ministry (which sees every case) at each
school, on SQLite: masking happens in Python on the frames the queries
return, and each page's own tests check its masked case list on both
databases.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader

import dashboard
from aidwatch.masking import mask_id_number
from dashboard import export_routes as exports
from queries import appdb
from tests import fixture_backlog, fixture_deadlines, fixture_duplicates, fixture_quality, fixture_rollout
from tests.apps import USERS, login, make_app
from tests.registry_builder import DEFAULTS
from tests.dashwalk import PageWalk, dependencies

#: fixture → the view parameters under which its own page shows case lists (the fixtures' tests use the same)
SCANS = {
    "deadlines": (fixture_deadlines, {"as_of": "2025-04-30", "year": "2025", "deadline": "spring_registration"}),
    "rollout": (fixture_rollout, {"as_of": "2025-06-10", "year": "2025"}),
    "duplicates": (fixture_duplicates, {"as_of": "2025-11-26", "year": "2025", "batch": "2025-09"}),
    "backlog": (fixture_backlog, {"as_of": "2025-10-20", "year": "2025"}),
    "quality": (fixture_quality, {"as_of": "2025-10-20", "year": "2025"}),
}
#: roles that see case lists are scanned at every school; the others at the nation and the first school
FULL_SCAN = {"ministry", "gd"}
#: (fixture, database, roles): the full scan on SQLite; on PostgreSQL the two roles that get case lists
#: (the queries differ by database, the masking does not); then the case lists of the other pages' fixtures
RUNS = [("deadlines", "sqlite", tuple(USERS)), ("deadlines", "postgresql", tuple(sorted(FULL_SCAN)))] + [
    (name, "sqlite", ("ministry",)) for name in ("rollout", "duplicates", "backlog", "quality")]
MASKED_ID = re.compile(r"\d{6}\*{8}\d{4}")


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def secrets_of(fixture) -> list[str]:
    """Full names, whole ID numbers and ID numbers without their division code (what masking hides)."""
    out = []
    for s in fixture.TABLES["student"]:
        if s.get("name"):
            out.append(s["name"])
        if s.get("id_number"):
            out += [s["id_number"], s["id_number"][6:]]
    return sorted(set(out))


def date_forms(day: dt.date) -> set[str]:
    """A day written every way a page, an export or a document might write it."""
    y, m, d = day.year, day.month, day.day
    forms = {f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日", f"{y}{m:02d}{d:02d}"}
    for sep in "-/.":
        forms |= {f"{y}{sep}{m:02d}{sep}{d:02d}", f"{y}{sep}{m}{sep}{d}"}
    return forms


def hidden_digits_of(fixture) -> dict[str, set[str]]:
    """Masked ID number → every form of what would fill in its masked digits (the birth date as recorded,
    and digits 7–14 of the number as a date): shown beside the masked number, they rebuild it."""
    out: dict[str, set[str]] = {}
    for s in fixture.TABLES["student"]:
        if not s.get("id_number"):
            continue
        born = s.get("birth_date", DEFAULTS["student"]["birth_date"])
        days = {dt.date.fromisoformat(born) if isinstance(born, str) else born}
        digits = s["id_number"][6:14]
        days.add(dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
        out.setdefault(mask_id_number(s["id_number"]), set()).update(*(date_forms(day) for day in days))
    return out


def rebuildable(text: str, hidden: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(masked ID number, a form of its hidden digits) pairs that are both in ``text``."""
    return [(masked, form) for masked, forms in hidden.items() if masked in text for form in forms if form in text]


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(",".join("" if v is None else str(v) for v in row)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("scan,backend,roles", RUNS, ids=[f"{s}-{b}" for s, b, _ in RUNS])
def test_no_personal_data_leaves_unmasked(scan, backend, roles, new_database, tmp_path):
    fixture, base = SCANS[scan]
    app = make_app(new_database(backend), fixture.TABLES, tmp_path)
    engine = app.server.extensions["aidwatch_app_db"]
    secrets = secrets_of(fixture)
    hidden = hidden_digits_of(fixture)
    views = [base] + [{**base, "school": str(s["id"])} for s in fixture.TABLES["school"]]
    paths = [module.PATH for module in dashboard.PAGES.values()]  # "/" shows one of these, by role
    full = len(roles) > 1  # the full scan: every role, every export format, the documents
    masked_seen: dict[str, set[str]] = {user: set() for user in USERS}
    handler = Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(min(old_level, logging.INFO))
    bodies = 0
    try:
        for user in roles:
            client = login(app.server.test_client(), user)
            deps = dependencies(client)

            def check(what: str, status: int, text: str):
                nonlocal bodies
                bodies += 1
                assert status < 500, f"{what} answered {status}"
                leaked = [s for s in secrets if s in text]
                assert not leaked, f"{user} got {leaked} from {what}"
                rebuilt = rebuildable(text, hidden)
                assert not rebuilt, f"{user} can rebuild ID numbers from {what}: {rebuilt}"
                masked_seen[user] |= set(MASKED_ID.findall(text))

            def audited(post):
                check(f"{post.output} {post.changed}", post.status, post.text)
                if MASKED_ID.search(post.text):
                    row = appdb.audit_rows(engine, 1)[0]
                    assert (row["username"], row["action"]) == (user, "view_cases"), post.output

            for view in views if user in FULL_SCAN else views[:2]:
                search = "?" + "&".join(f"{k}={v}" for k, v in view.items())
                for path in paths:
                    page = client.get(path + search)
                    check(f"GET {path}{search}", page.status_code, page.get_data(as_text=True))
                    if page.status_code != 200:
                        continue  # refused before Dash (out of scope): nothing to walk
                    walk = PageWalk(client, deps, audited).open(path, search).click_everything()
                    together = rebuildable("\n".join(post.text for post in walk.posts), hidden)
                    assert not together, f"{user} can rebuild ID numbers from {path}{search}: {together}"
                for name in exports.EXPORTS:
                    # Excel files are built from the same frames as CSV: one role's suffices for the format
                    for fmt in ("csv", "xlsx") if user == "ministry" and full else ("csv",):
                        response = client.get(f"/export/{name}.{fmt}{search}")
                        body = response.data
                        text = (xlsx_text(body) if fmt == "xlsx" and response.status_code == 200
                                else body.decode("utf-8-sig", "replace"))
                        check(f"/export/{name}.{fmt}{search}", response.status_code, text)
                for name, fmt in getattr(exports, "DOCUMENTS", {}) if full else ():
                    # Drawn documents (PDF): their text layer as a reader extracts it (it extracts exactly:
                    # tests/test_briefing.py), and the raw bytes for anything stored as plain text; Word
                    # files: the text of every part of the package (document, footers, properties)
                    doc_search = search + ("&province=44" if name == "rollout-report" and "province=" not in search
                                           else "")
                    response = client.get(f"/export/{name}.{fmt}{doc_search}")
                    text = response.data.decode("latin-1")
                    if fmt == "pdf" and response.status_code == 200:
                        text += "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
                    if fmt == "docx" and response.status_code == 200:
                        with zipfile.ZipFile(io.BytesIO(response.data)) as package:
                            text += "".join(package.read(n).decode("utf-8") for n in package.namelist()
                                            if n.endswith((".xml", ".rels")))
                    check(f"/export/{name}.{fmt}{search}", response.status_code, text)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)

    logged = "\n".join(handler.lines)
    assert not [s for s in secrets if s in logged], "personal data in the log"
    audit = repr(appdb.audit_rows(engine, None))
    assert not [s for s in secrets if s in audit], "personal data in the audit log"
    # the scan reached the case lists: the ministry saw masked IDs of this fixture, leadership none at all
    expected = {mask_id_number(s["id_number"]) for s in fixture.TABLES["student"]}
    assert masked_seen["ministry"] & expected, scan
    assert masked_seen["leader"] == set()
    assert bodies > 50
