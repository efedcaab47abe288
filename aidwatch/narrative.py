"""The briefing's story in words: a few sentences generated from its figures, in Chinese or English.

Pure: ``sentences(facts, lang)`` turns ``aidwatch.metrics.briefing.Facts`` into text, so that the
page, the PDF and the tests read the same sentences. Deadline names come from the UI's catalogs
(``aidwatch.i18n.deadline_name``), so the sentences name a deadline exactly as the pages do.
The wording of every sentence is in this module, with its English next to its Chinese.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from aidwatch.i18n import deadline_name
from aidwatch.metrics.briefing import Facts

#: A list of names is cut after this many, with "等" / "and others".
MAX_NAMES = 10
#: A live deadline's sentence names this many of the regions furthest behind (the table shows more).
NAMED_LAGGARDS = 3
CHILD = {"nation": ("省份", "provinces"), "province": ("地市", "cities")}


def day_text(day: dt.date, lang: str, year: bool = True) -> str:
    """'2025年6月6日' / '6 June 2025' ('6月6日' / '6 June' without the year)."""
    if lang == "en":
        return f"{day.day} {day:%B}" + (f" {day.year}" if year else "")
    return (f"{day.year}年" if year else "") + f"{day.month}月{day.day}日"


def pct_text(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1f}%"


def _n(value) -> str:
    return f"{int(value):,}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _names(names: list[str], lang: str) -> str:
    shown = names[:MAX_NAMES]
    if lang == "en":
        text = ", ".join(shown)
        return text + (" and others" if len(names) > len(shown) else "")
    return "、".join(shown) + ("等" if len(names) > len(shown) else "")


def report_sentence(f: Facts, lang: str) -> str | None:
    """Where the written reports stand: the nation's count and who is missing, or the province's own."""
    rep, head = f.reports, f.headlines.get(("rollout", "rollout_report"))
    if not rep or not rep["provinces"] or head is None:
        return None
    en = lang == "en"
    due = day_text(head.extra["due_on"], lang, year=False)
    start = f"As of {day_text(f.as_of, lang)}, " if en else f"截至{day_text(f.as_of, lang)}，"
    if f.level != "nation":
        row = rep["rows"].iloc[0]
        status, late = row["report_status"], row["working_days_late"]
        day = day_text(row["report_submitted_on"], lang, year=False) if status in ("on_time", "late") else ""
        k = 0 if pd.isna(late) else int(late)
        if en:
            days = _plural(k, "working day", "working days")
            return start + {
                "on_time": f"{f.region_name} submitted its written report on time on {day}.",
                "late": f"{f.region_name} submitted its written report on {day}, {days} late.",
                "missing": f"{f.region_name} has not submitted its written report, {days} overdue.",
                "pending": f"{f.region_name} has not yet submitted its written report (due {due}).",
            }[status]
        return start + {
            "on_time": f"{f.region_name}已于{day}按时报送书面报告。",
            "late": f"{f.region_name}已于{day}报送书面报告，逾期{k}个工作日。",
            "missing": f"{f.region_name}尚未报送书面报告，已逾期{k}个工作日。",
            "pending": f"{f.region_name}尚未报送书面报告（{due}截止）。",
        }[status]
    sub, late, missing, pending = rep["submitted"], rep["late"], rep["missing"], rep["pending"]
    if en:
        late_part = f" ({late:,} of them late)" if late and sub > 1 else (" (late)" if late else "")
        done = (f"{_plural(sub, 'province has', 'provinces have')} submitted the written report{late_part}")
        if missing:
            return start + f"{done}; {_plural(len(missing), 'province is', 'provinces are')} overdue: " \
                           f"{_names(missing, lang)}."
        if pending and sub:
            return start + f"{done}; {pending:,} not yet (due {due})."
        if pending:
            return start + f"no province has submitted the written report yet (due {due})."
        return start + f"all {sub:,} provinces have submitted the written report{late_part}."
    late_part = f"（其中{late}个逾期报送）" if late else ""
    if missing:
        return start + f"已有{sub}个省份报送书面报告{late_part}，{len(missing)}个省份逾期未报：{_names(missing, lang)}。"
    if pending and sub:
        return start + f"已有{sub}个省份报送书面报告{late_part}，{pending}个省份尚未报送（{due}截止）。"
    if pending:
        return start + f"尚无省份报送书面报告（{due}截止）。"
    return start + f"全部{sub}个省份均已报送书面报告{late_part}。"


def _state(head, lang: str) -> str:
    left, status = head.extra["working_days_left"], head.status
    if lang == "en":
        if status == "overdue":
            return _plural(-left, "working day", "working days") + " overdue"
        if left == 0:
            return "due today" + (", at risk" if status == "at_risk" else "")
        word = "at risk" if status == "at_risk" else "on track"
        return f"{word} with {_plural(left, 'working day', 'working days')} left"
    if status == "overdue":
        return f"已逾期{-left}个工作日"
    if left == 0:
        return "今日截止" + ("，有风险" if status == "at_risk" else "")
    return f"{'有风险' if status == 'at_risk' else '进度正常'}，剩{left}个工作日"


def _trend(head, lang: str) -> str:
    change = head.change("week")
    if change is None:
        return ""
    if lang == "en":
        if change == 0:
            return ", no progress in the past week"
        return f", {'up' if change > 0 else 'down'} {abs(change):.1f} points on a week before"
    if change == 0:
        return "，一周内无进展"
    return f"，较一周前{'提高' if change > 0 else '下降'}{abs(change):.1f}个百分点"


def deadline_sentence(f: Facts, deadline: str, behind: pd.DataFrame, lang: str) -> str:
    """One live deadline: how far, its state, its week's progress, and who is furthest behind."""
    head = f.headlines[(head_area(f, deadline), deadline)]
    name = deadline_name(deadline, lang)
    # how many are still to go, so that 99.96 % shown as "100.0%" does not read as done
    left = max(head.total - head.done, 0)
    figures = f"{pct_text(head.values['now'])} ({_n(head.done)}/{_n(head.total)}, {_n(left)} to go)" \
        if lang == "en" else f"{pct_text(head.values['now'])}（{_n(head.done)}/{_n(head.total)}，尚差{_n(left)}）"
    named = [(r.name, pct_text(r.pct_done)) for r in behind.head(NAMED_LAGGARDS).itertuples()]
    if lang == "en":
        text = f"{name}: {figures} done, {_state(head, lang)}{_trend(head, lang)}"
        if named:
            text += "; furthest behind: " + ", ".join(f"{n} ({p})" for n, p in named)
        return text + "."
    text = f"{name}完成{figures}，{_state(head, lang)}{_trend(head, lang)}"
    if named:
        text += f"；进度最慢的{CHILD[f.level][0]}：" + "、".join(f"{n}（{p}）" for n, p in named)
    return text + "。"


def head_area(f: Facts, deadline: str) -> str:
    return next(area for area, key in f.headlines if key == deadline)


def _count(f: Facts, area: str, key: str):
    head = f.headlines.get((area, key))
    return None if head is None or head.values.get("now") is None else head


def duplicates_sentence(f: Facts, lang: str) -> str | None:
    open_, overdue = _count(f, "duplicates", "open"), _count(f, "duplicates", "overdue")
    if open_ is None or overdue is None:
        return None
    n_open, n_overdue, week = int(open_.values["now"]), int(overdue.values["now"]), overdue.values.get("week")
    if n_open == 0:
        return "Duplicate aid: every match is closed." if lang == "en" else "重复资助比对结果均已办结。"
    if lang == "en":
        before = f" ({int(week):,} a week before)" if week is not None else ""
        return f"Duplicate aid: {_plural(n_open, 'match', 'matches')} open, {n_overdue:,} of them overdue{before}."
    before = f"（一周前{_n(week)}条）" if week is not None else ""
    return f"重复资助比对结果未办结{_n(n_open)}条，其中逾期{_n(n_overdue)}条{before}。"


def backlog_sentence(f: Facts, lang: str) -> str | None:
    heads = [_count(f, "backlog", k) for k in ("unrecorded_overdue", "overdue_approval", "phantom_suspects")]
    if any(h is None for h in heads):
        return None
    a, b, c = (int(h.values["now"]) for h in heads)
    if lang == "en":
        return f"Status changes: {a:,} unrecorded past the limit, {_plural(b, 'approval', 'approvals')} overdue; " \
               f"{_plural(c, 'suspected phantom enrolment', 'suspected phantom enrolments')}."
    return f"学籍异动逾期未办理{_n(a)}条、逾期未审批{_n(b)}条，疑似长期空挂学籍{_n(c)}人。"


def inspections_sentence(f: Facts, lang: str) -> str | None:
    cover, serious = _count(f, "inspections", "coverage_pct"), _count(f, "inspections", "serious_findings")
    if cover is None or serious is None:
        return None
    k = int(serious.values["now"])
    if lang == "en":
        return f"Inspections this year: {cover.done:,} of {cover.total:,} schools ({pct_text(cover.values['now'])}), " \
               f"{_plural(k, 'serious finding', 'serious findings')}."
    return f"本年度已检查{_n(cover.done)}所学校，覆盖率{pct_text(cover.values['now'])}（{_n(cover.done)}/" \
           f"{_n(cover.total)}），发现严重问题{_n(k)}个。"


def behind_text(behind: pd.DataFrame | None, level: str, lang: str) -> str:
    """'; most behind: A (3), B (2)' / '；逾期最多的省份：A（3）、B（2）' for an area's regions furthest behind
    (``aidwatch.metrics.briefing.furthest_behind`` of a ``level`` region's children)."""
    if behind is None or behind.empty:
        return ""
    if lang == "en":
        return "; most behind: " + ", ".join(f"{r.name} ({int(r.value):,})" for r in behind.itertuples())
    return f"；逾期最多的{CHILD[level][0]}：" + "、".join(f"{r.name}（{_n(r.value)}）" for r in behind.itertuples())


def _behind_text(f: Facts, area: str, lang: str) -> str:
    return behind_text(f.behind.get(area), f.level, lang)


def records_sentence(f: Facts, lang: str) -> str | None:
    """New-student records awaiting the province's approval, the overdue ones (by the dashboard's
    convention, not the notice's) with their week's change, and who is furthest behind."""
    awaiting, overdue = _count(f, "records", "awaiting_approval"), _count(f, "records", "approval_overdue")
    if awaiting is None or overdue is None:
        return None
    a, b, week = int(awaiting.values["now"]), int(overdue.values["now"]), overdue.values.get("week")
    if lang == "en":
        before = f" ({int(week):,} a week before)" if week is not None else ""
        return f"Record approval: {_plural(a, 'record', 'records')} awaiting approval, {b:,} of them past the " \
               f"dashboard's 10-working-day convention{before}{_behind_text(f, 'records', lang)}."
    before = f"（一周前{_n(week)}人）" if week is not None else ""
    return f"新生学籍待审批{_n(a)}人，其中超过10个工作日监测口径{_n(b)}人{before}{_behind_text(f, 'records', lang)}。"


def graduation_sentence(f: Facts, lang: str) -> str | None:
    """Graduate data not uploaded or not approved in time, approved graduates without a certificate."""
    heads = [_count(f, "graduation", k) for k in ("upload_overdue", "approval_overdue", "approved_no_certificate")]
    if any(h is None for h in heads):
        return None
    a, b, c = (int(h.values["now"]) for h in heads)
    if lang == "en":
        return f"Graduation: {a:,} graduates not uploaded and {b:,} not approved past the convention, " \
               f"{c:,} approved without a certificate online{_behind_text(f, 'graduation', lang)}."
    return f"毕业生数据逾期未上传{_n(a)}人、逾期未审批{_n(b)}人，已审批但证书未能在线查询{_n(c)}人" \
           f"{_behind_text(f, 'graduation', lang)}。"


def term_text(term: str, lang: str) -> str:
    """'2026年春季学期' / 'spring term 2026' for a semester code ('2026S')."""
    if lang == "en":
        return f"{'spring' if term.endswith('S') else 'autumn'} term {term[:4]}"
    return f"{term[:4]}年{'春' if term.endswith('S') else '秋'}季学期"


def funding_sentence(f: Facts, lang: str) -> str | None:
    """The central-subsidy gap of the latest begun term: students at school not declared or not approved, the
    estimated gap in yuan (an upper bound; not priced where a gapped school's province has no approved
    record), and the regions with the largest estimated gaps."""
    students, gap = _count(f, "funding", "gap_students"), f.headlines.get(("funding", "gap_yuan"))
    if students is None or gap is None or not students.extra.get("term"):
        return None
    n, yuan, term = int(students.values["now"]), gap.values["now"], term_text(students.extra["term"], lang)
    largest = f.behind.get("funding")
    named = [] if largest is None else [(r.name, f"{int(r.value):,}") for r in largest.itertuples()]
    if lang == "en":
        money = "cannot be priced yet" if yuan is None else f"is estimated at up to ¥{int(yuan):,} (an upper bound)"
        tail = ("; largest: " + ", ".join(f"{a} (¥{v})" for a, v in named)) if named else ""
        return f"Funding gap, {term}: {_plural(n, 'student', 'students')} at school not declared or not approved; " \
               f"the gap {money}{tail}."
    money = "金额暂无法估算" if yuan is None else f"估算缺口约{_n(yuan)}元（上限）"
    tail = (f"；缺口最大的{CHILD[f.level][0]}：" + "、".join(f"{a}（{v}元）" for a, v in named)) if named else ""
    return f"{term}资金缺口：{_n(n)}名在校学生未申报或未获审批，{money}{tail}。"


def sentences(f: Facts, lang: str) -> list[str]:
    """The briefing's sentences in order: reports, each live deadline, duplicates, backlog, inspections,
    record approval, graduation, funding gap."""
    out = [report_sentence(f, lang)]
    # The written report has its own sentence (the first); the others are per live deadline. Without any
    # deadline figure (their source failed, or a digest covers other areas only) there is nothing to say.
    out += [deadline_sentence(f, d, behind, lang) for d, behind in f.live.items()
            if d != "rollout_report"]
    if not f.live and any(h.kind == "deadline" for h in f.headlines.values()):
        out.append("No deadline is under way." if lang == "en" else "目前没有进行中的时间节点。")
    out += [duplicates_sentence(f, lang), backlog_sentence(f, lang), inspections_sentence(f, lang),
            records_sentence(f, lang), graduation_sentence(f, lang), funding_sentence(f, lang)]
    return [s for s in out if s]
