"""UI strings: Simplified Chinese by default, English switchable (``lang=en`` in the URL)."""

from __future__ import annotations

LANGS = ("zh", "en")

STRINGS = {
    "product": ("技工院校学生资助监测看板", "Student aid monitor"),
    "nation": ("全国", "Nation"),
    "as_of": ("截至", "As of"),
    "year": ("年度", "Year"),
    "logout": ("退出", "Log out"),
    "snapshot": ("数据截至", "Data as of"),
    "lag": ("复制延迟", "replica lag"),
    "no_snapshot": ("数据时间未知", "snapshot time unknown"),
    "role_ministry": ("部资助办", "Ministry aid office"),
    "role_province": ("省级监管", "Provincial supervisor"),
    "role_leadership": ("领导", "Leadership"),
    "page_deadlines": ("时间节点进度", "Deadline progress"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "export_xlsx": ("导出 Excel", "Export XLSX"),
    "deadline": ("时间节点", "Deadline"),
    "due_on": ("截止日期", "Due"),
    "done": ("已完成", "Done"),
    "total": ("应完成", "Total"),
    "pct_done": ("完成率 %", "% done"),
    "working_days_left": ("剩余工作日", "Working days left"),
    "status": ("状态", "Status"),
    "code": ("代码", "Code"),
    "name": ("名称", "Name"),
    "province": ("省份", "Province"),
    "city": ("地市", "City"),
    "school": ("学校", "School"),
    "case": ("个案", "Case"),
    "cases_title": ("未完成个案", "Records not yet done"),
    "cases_none": ("该校此节点没有未完成的记录。", "No outstanding records for this deadline at this school."),
    "cases_forbidden": ("您的角色不查看个案名单，仅查看汇总。", "Your role sees aggregates only, not case lists."),
    "report_no_cases": ("书面报告由省级报送，没有学校个案。", "Written reports are filed by provinces; there are no school cases."),
    "timeline": ("年度时间节点", "The year's deadlines"),
    "today_marker": ("截至日", "As of"),
    "wd_left_fmt": ("剩 {n} 个工作日", "{n} working days left"),
    "wd_over_fmt": ("已逾期 {n} 个工作日", "{n} working days overdue"),
    "wd_left_short": ("剩{n}个工作日", "{n} wd left"),
    "wd_over_short": ("逾期{n}个工作日", "{n} wd overdue"),
    "assumed_dates": ("{year} 年节点沿用 {source} 年通知日期（尚未发布当年通知）。",
                      "{year} deadlines repeat the {source} notice's dates (no {year} notice configured)."),
    "tiles_title": ("各省份进度：{deadline}", "Progress by province: {deadline}"),
    "bars_title": ("下级进度：{deadline}", "Progress of the level below: {deadline}"),
    "click_to_drill": ("点击图块、柱条或表格行可下钻。", "Click a tile, bar or row to drill down."),
    "out_of_scope": ("所请求的地区不存在或超出您的数据范围。",
                     "The requested region does not exist or is outside your data scope."),
    "bad_request": ("请求参数有误：{detail}", "Invalid request: {detail}"),
    "calendar_unknown": ("工作日日历尚未收录 {year} 年的法定节假日安排，无法计算期限，请管理员补充（见 docs/working-days.md）。",
                         "The working-day calendar does not know {year}'s official holidays, so deadlines cannot be "
                         "computed; an administrator must add them (see docs/working-days.md)."),
    "replica_down": ("无法连接登记系统副本，请稍后再试。", "The registry replica cannot be reached; please try again shortly."),
    "replica_down_uncached": ("数据库暂时无法连接，此视图此前没有缓存，暂时无法显示；连接恢复后即可查看。",
                              "The database cannot be reached right now and this view was not cached before; "
                              "it will show once the connection is back."),
    "calendar_gap": ("{year} 年节假日安排尚未载入：期限跨入 {year} 年的工作日无法计算。请管理员将国务院办公厅公布的"
                     "《关于{year}年部分节假日安排的通知》写入 AIDWATCH_WORKDAY_SUPPLEMENT 指定的补充文件后重启"
                     "（格式见 docs/working-days.md；用 aidwatch calendar status 检查）。",
                     "The {year} public holiday schedule is not loaded yet: working days running into {year} cannot "
                     "be counted. An administrator adds the State Council's published {year} schedule to the "
                     "supplement file named by AIDWATCH_WORKDAY_SUPPLEMENT and restarts the dashboard (format in "
                     "docs/working-days.md; check with aidwatch calendar status)."),
    "calendar_view_gap": ("本视图中的{figures}要用到 {year} 年的工作日：{year} 年节假日安排尚未公布或尚未载入，"
                          "在此之前无法确定。",
                          "On this view, {figures} need {year}'s working days: the {year} public holiday schedule "
                          "is not published or not loaded yet, so they cannot be worked out until it is."),
    "list_sep": ("、", ", "),
    "stale_banner": ("数据库暂时无法连接，显示的是 {snapshot} 的数据（缓存，最后一次连接成功于 {checked}），"
                     "连接恢复后自动更新。",
                     "The database cannot be reached right now: showing the data of {snapshot} from the cache (last "
                     "reached at {checked}). It will update by itself once the database is back."),
    "query_timeout": ("查询超时，已停止并记录。请缩小范围（选择省份或地市）后重试。",
                      "The query took too long and was stopped; it has been logged. Narrow the view (pick a "
                      "province or city) and try again."),
    "no_pct": ("无数据", "no data"),
    "lang_switch": ("English", "中文"),
    "skip_to_main": ("跳到正文", "Skip to content"),
    "menu": ("菜单", "Menu"),
    "better": ("好转", "better"),
    "worse": ("变差", "worse"),
    "main_nav": ("页面", "Pages"),
    "student": ("学生", "Student"),
    "id_number": ("身份证号", "ID number"),
    "intake_term": ("入学学期", "Intake"),
    "enrolled_on": ("入学日期", "Enrolled"),
    "registered_on": ("注册日期", "Registered"),
    "kind": ("资助类型", "Aid"),
    "grade": ("年级", "Year of study"),
    "amount": ("金额（元）", "Amount (yuan)"),
    "submitted_on": ("申报日期", "Submitted"),
    "publicized_on": ("公示日期", "Publicized"),
    "approved_on": ("审批日期", "Approved"),
    "disbursed_on": ("发放日期", "Disbursed"),
    "term": ("学期", "Term"),
    "record_status": ("记录状态", "Record status"),
}

DEADLINE_NAMES = {
    "spring_registration": ("春季新生注册", "Spring registration"),
    "spring_aid_approval": ("春季资助审批", "Spring aid approval"),
    "rollout_funds": ("扩围提标资金发放", "Expansion funds paid"),
    "rollout_report": ("省级书面报告", "Provincial written report"),
    "autumn_registration": ("秋季新生注册", "Autumn registration"),
    "autumn_aid_approval": ("秋季资助审批", "Autumn aid approval"),
}

STATUS_NAMES = {
    "done": ("已完成", "Done"),
    "on_track": ("进度正常", "On track"),
    "at_risk": ("有风险", "At risk"),
    "overdue": ("已逾期", "Overdue"),
    "no_data": ("无数据", "No data"),
}

VALUE_NAMES = {
    "tuition": ("免学费", "Tuition waiver"),
    "grant": ("国家助学金", "National grant"),
    "submitted": ("已申报", "Submitted"),
    "approved": ("已审批", "Approved"),
    "rejected": ("已退回", "Rejected"),
    "revoked": ("已撤销", "Revoked"),
    "enrolled": ("在籍", "Enrolled"),
    "suspended": ("休学", "Suspended"),
}


def add_strings(strings: dict | None = None, values: dict | None = None) -> None:
    """Let a page module bring its own strings and value labels; a clash with a different text is a bug."""
    for target, table in ((STRINGS, strings or {}), (VALUE_NAMES, values or {})):
        for key, pair in table.items():
            if target.get(key, pair) != pair:
                raise ValueError(f"UI string {key!r} is defined twice with different texts")
            target[key] = pair


def _pick(pair, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def t(key: str, lang: str = "zh", **fmt) -> str:
    """The UI string ``key`` in ``lang``; unknown keys fail loudly in tests rather than show blanks."""
    text = _pick(STRINGS[key], lang)
    return text.format(**fmt) if fmt else text


def deadline_name(name: str, lang: str = "zh") -> str:
    return _pick(DEADLINE_NAMES[name], lang)


def status_name(name: str, lang: str = "zh") -> str:
    return _pick(STATUS_NAMES[name], lang)


def value_name(value, lang: str = "zh") -> str:
    pair = VALUE_NAMES.get(value)
    return _pick(pair, lang) if pair else ("" if value is None else str(value))
