"""The province's draft 6 June report on the expanded and raised national grant (扩围提标), as a document.

The notice (§二(一)) asks every province to report in writing by 6 June how it
has put the policy into effect. This drafts that report from the rollout
page's own figures (``callbacks.rollout.report_data``): the four sections
the ministry's aid office reads, the shortfalls as sentences, a marked place
for the province's own text, and the province's row of ``/export/rollout.csv``
as an attachment, each label with its value exactly as the export has it.
Aggregates only: no student is named or counted alone. ``dashboard.docx_writer``
lays it out (GB/T 9704-2012); docs/documents.md says why it reads as it does.
"""

from __future__ import annotations

import pandas as pd

from aidwatch.contract import HARDSHIP_GROUPS
from aidwatch.metrics.rollout import TARGET_YUAN_PER_YEAR
from aidwatch.narrative import day_text, pct_text
from dashboard.document import Cell, Document, Heading, PageBreak, Paragraph, Section, Signature, Table
from dashboard.i18n import add_strings, t

add_strings({
    "ro_report": ("起草落实情况报告", "Draft implementation report"),
    "ro_report_short": ("起草报告", "Draft report"),
    "rr_title_1": ("{province}关于国家中职助学金", "Report of {province} on Implementing"),
    "rr_title_2": ("扩围提标政策落实情况的报告", "the Expanded and Raised National Secondary Vocational Grant"),
    "rr_addressee": ("人力资源社会保障部技工院校学生资助管理工作办公室：",
                     "To the Technical School Student Aid Office, Ministry of Human Resources and Social Security:"),
    "rr_opening": ("根据《人力资源社会保障部办公厅关于做好{year}年技工院校学生资助工作的通知》要求，现将{we}国家中职助学金"
                   "扩围提标政策落实情况报告如下。",
                   "As the Ministry's notice on technical school student aid in {year} asks, {we} reports on how it "
                   "has put the expanded and raised national grant into effect."),
    "rr_h_policy": ("政策修订情况", "Policy revision"),
    "rr_h_funds": ("资金发放情况", "Disbursement of funds"),
    "rr_h_priority": ("重点群体保障情况", "Priority groups"),
    "rr_h_next": ("存在问题和下一步工作", "Problems and next steps"),
    "rr_h_problems": ("存在的问题", "Problems"),
    "rr_h_plans": ("下一步工作", "Next steps"),
    "rr_revised": ("{we}于{day}修订本地国家助学金政策", "{we} revised its national grant policy on {day}"),
    "rr_not_revised": ("截至{day}，{we}尚未修订本地国家助学金政策。",
                       "As of {day}, {we} has not revised its national grant policy."),
    "rr_tiers": ("，分{n}档设置资助标准，每生每年分别为{amounts}元。",
                 ", with {n} tiers of {amounts} yuan a student a year."),
    "rr_one_tier": ("，设1档资助标准，每生每年{amounts}元。", ", with a single tier of {amounts} yuan a student a year."),
    "rr_no_tiers": ("，尚未分档设置资助标准。", ", without tiers."),
    "rr_average": ("截至{day}，{whole}受助学生年生均助学金{avg}元，{verdict}国家{target}元的平均标准。",
                   "As of {day}, the average grant is {avg} yuan a year, {verdict} the national average of "
                   "{target} yuan."),
    "rr_reaches": ("达到", "meeting"),
    "rr_below": ("低于", "below"),
    "rr_no_average": ("截至{day}，{whole}尚无学生获得春季学期国家助学金。",
                      "As of {day}, no student has been granted the spring term's national grant."),
    "rr_no_funds": ("截至{day}，{whole}尚未发放春季学期国家助学金。", "As of {day}, no spring term grant has been paid."),
    "rr_recipients": ("截至{day}，{whole}共有{n}名学生获得春季学期国家助学金，其中三年级学生{third}名。",
                      "As of {day}, {n} students have been granted the spring term's national grant, {third} of "
                      "them in their third year."),
    "rr_paid_by": ("截至{day}，已发放{pct}（{paid}/{n}）。", "By {day}, {pct} had been paid ({paid}/{n})."),
    "rr_behind": ("发放进度最慢的地市：{names}。", "Cities furthest behind: {names}."),
    "rr_all_paid": ("各地市均已全部发放。", "Every city has paid in full."),
    "rr_priority": ("截至{day}，{whole}在籍资助重点群体学生{n}名，其中{without}名尚未获得国家助学金，覆盖率{pct}。",
                    "As of {day}, {n} enrolled students belong to a priority group, {without} of them without a "
                    "national grant (coverage {pct})."),
    "rr_groups": ("尚未获得的学生中，{groups}。", "Of those without: {groups}."),
    "rr_group": ("{group}{n}名", "{group} {n}"),
    "rr_no_priority": ("截至{day}，{whole}在籍学生中无资助重点群体学生。",
                       "As of {day}, no enrolled student belongs to a priority group."),
    "rr_p_policy_late": ("本地政策于{day}修订，晚于{due}。", "The policy was revised on {day}, after {due}."),
    "rr_p_policy_missing": ("尚未修订本地国家助学金政策。", "The national grant policy has not been revised."),
    "rr_p_tiers": ("尚未分档设置资助标准。", "No tiers of grant amounts have been set."),
    "rr_p_average": ("年生均助学金{avg}元，低于国家{target}元的平均标准。",
                     "The average grant, {avg} yuan a year, is below the national average of {target} yuan."),
    "rr_p_no_average": ("尚无学生获得国家助学金。", "No student has been granted the national grant."),
    "rr_p_third_year": ("三年级学生尚未纳入资助范围。", "Third-year students are not yet among the recipients."),
    "rr_p_funds": ("截至{day}，资金发放{pct}，尚未全部发放到位。", "By {day}, {pct} of the funds had been paid, not all."),
    "rr_p_priority": ("{without}名重点群体学生尚未获得国家助学金。", "{without} priority students have no national grant."),
    "rr_p_priority_gap": ("{without}名重点群体学生尚未获得国家助学金，其中须全覆盖的特困群体{gap}名。",
                          "{without} priority students have no national grant, {gap} of them in the groups that "
                          "must all be covered."),
    "rr_p_none": ("对照通知要求，上述各项工作均已按期完成。", "Every step the notice asks for is done on time."),
    "rr_blank": ("【请在此填写下一步工作安排。】", "[The province's next steps go here.]"),
    "rr_closing": ("特此报告。", "We hereby report."),
    "rr_annex_note": ("附件：扩围提标落实情况数据", "Attachment: rollout figures"),
    "rr_annex": ("附件", "Attachment"),
    "rr_annex_title": ("扩围提标落实情况数据", "Rollout figures"),
    "rr_annex_source": ("截至{day}。各项与“扩围提标落实”页面导出文件（rollout.csv）同一口径，字段名与数值照录。",
                        "As of {day}. Each field and value exactly as the rollout page's export (rollout.csv) has "
                        "it."),
    "rr_col_label": ("项目", "Item"),
    "rr_col_field": ("导出字段", "Export field"),
    "rr_col_value": ("数值", "Value"),
    "rr_sender": ("{province}人力资源和社会保障{office}", "{office} of Human Resources and Social Security of {province}"),
    "rr_office_dept": ("厅", "Department"),
    "rr_office_bureau": ("局", "Bureau"),
    "rr_f_code": ("代码", "Code"),
    "rr_f_name": ("省份", "Province"),
    "rr_f_policy_revised_on": ("政策修订日期", "Policy revised on"),
    "rr_f_tier_count": ("分档数", "Tiers"),
    "rr_f_tier_amounts": ("各档标准（元/年）", "Tier amounts (yuan/year)"),
    "rr_f_avg_grant_yuan_per_year": ("年生均助学金（元）", "Average grant (yuan/year)"),
    "rr_f_target_yuan_per_year": ("国家平均标准（元）", "National average (yuan/year)"),
    "rr_f_grant_recipients": ("受助人数", "Recipients"),
    "rr_f_third_year_recipients": ("三年级受助人数", "Third-year recipients"),
    "rr_f_disbursed_pct": ("已发放 %", "% paid"),
    "rr_f_report_submitted_on": ("书面报告报送日期", "Written report submitted on"),
    "rr_f_report_status": ("书面报告状态", "Written report status"),
    "rr_f_priority_students": ("重点保障学生", "Priority students"),
    "rr_f_priority_without_grant": ("其中未获助学金", "of them without a grant"),
})

#: cities named as furthest behind on disbursement
BEHIND = 3


def municipal(name: str) -> bool:
    """北京市, 天津市, 上海市, 重庆市: a city's bureau (局) reports, and it says 我市 / 全市."""
    return name.endswith("市")


def we(name: str, lang: str, whole: bool = False) -> str:
    """How the province names itself: 我省 / 我区 (an autonomous region) / 我市; 全省 … for "the whole"."""
    if lang == "en":
        return name
    kind = "市" if municipal(name) else "区" if name.endswith("自治区") else "省"
    return ("全" if whole else "我") + kind


def sender(name: str, lang: str) -> str:
    return t("rr_sender", lang, province=name, office=t("rr_office_bureau" if municipal(name) else "rr_office_dept",
                                                         lang))


def yuan(value, lang: str) -> str:
    """2300.0 → '2300' ('2,300' in English); 2066.67 → '2066.67' (to the fen, as the export rounds). Chinese
    documents write amounts of yuan without a thousands separator."""
    sep = "," if lang == "en" else ""
    return f"{value:{sep}.0f}" if float(value).is_integer() else f"{value:{sep}.2f}"


def joined(lang: str, *sentences: str) -> str:
    """Sentences one after another: in English with a space between them."""
    return ("" if lang == "zh" else " ").join(sentences)


def _date(value, lang: str) -> str:
    return day_text(pd.Timestamp(value).date(), lang)


def policy_section(s, d, lang: str, day: str, name: str) -> tuple:
    if pd.isna(s.policy_revised_on):
        revised = t("rr_not_revised", lang, day=day, we=we(name, lang))
    else:
        tiers = [a for a in str(s.tier_amounts or "").split(",") if a] if not pd.isna(s.tier_amounts) else []
        amounts = ("、" if lang == "zh" else " / ").join(yuan(int(a), lang) for a in tiers)
        tail = (t("rr_tiers", lang, n=len(tiers), amounts=amounts) if len(tiers) > 1 else
                t("rr_one_tier", lang, amounts=amounts) if tiers else t("rr_no_tiers", lang))
        revised = t("rr_revised", lang, we=we(name, lang), day=_date(s.policy_revised_on, lang)) + tail
    if d.grant_recipients:
        ok = d.avg_grant_yuan_per_year >= TARGET_YUAN_PER_YEAR
        average = t("rr_average", lang, day=day, whole=we(name, lang, True), avg=yuan(d.avg_grant_yuan_per_year, lang),
                    verdict=t("rr_reaches" if ok else "rr_below", lang), target=yuan(TARGET_YUAN_PER_YEAR, lang))
    else:
        average = t("rr_no_average", lang, day=day, whole=we(name, lang, True))
    return Paragraph(revised), Paragraph(average)


def funds_section(report, lang: str, day: str, name: str) -> tuple:
    data, d = report.data, report.data.summary.iloc[0]
    if not d.grant_recipients:
        return (Paragraph(t("rr_no_funds", lang, day=day, whole=we(name, lang, True))),)
    said = [t("rr_recipients", lang, day=day, whole=we(name, lang, True), n=f"{int(d.grant_recipients):,}",
              third=f"{int(d.third_year_recipients):,}")]
    for view in ([report.at_funds_due] if report.at_funds_due is not None else []) + [data]:
        e = view.summary.iloc[0]
        said.append(t("rr_paid_by", lang, day=day_text(view.as_of, lang), pct=pct_text(e.disbursed_pct),
                      paid=f"{int(e.paid):,}", n=f"{int(e.grant_recipients):,}"))
    rows = data.rows[(data.rows["grant_recipients"] > 0) & (data.rows["disbursed_pct"] < 100)]
    behind = rows.sort_values(["disbursed_pct", "name"]).head(BEHIND)
    if len(behind):
        form = "{}（{}）" if lang == "zh" else "{} ({})"
        names = ("、" if lang == "zh" else ", ").join(form.format(r.name, pct_text(r.disbursed_pct))
                                                     for r in behind.itertuples())
        said.append(t("rr_behind", lang, names=names))
    else:
        said.append(t("rr_all_paid", lang))
    return (Paragraph(joined(lang, *said)),)


def priority_section(d, lang: str, day: str, name: str) -> tuple:
    if not d.priority_students:
        return (Paragraph(t("rr_no_priority", lang, day=day, whole=we(name, lang, True))),)
    text = t("rr_priority", lang, day=day, whole=we(name, lang, True), n=f"{int(d.priority_students):,}",
             without=f"{int(d.priority_without_grant):,}", pct=pct_text(d.coverage_pct))
    groups = [t("rr_group", lang, group=t(f"ro_hs_{g}", lang), n=int(d[f"without_{g}"])) for g in HARDSHIP_GROUPS
              if d[f"without_{g}"]]
    if groups:
        text = joined(lang, text, t("rr_groups", lang, groups=("、" if lang == "zh" else ", ").join(groups)))
    return (Paragraph(text),)


def problems(s, d, report, lang: str, day: str) -> list[str]:
    """The steps not done (a step not green on the rollout page), each as a sentence; the report's own step
    is left out (this is the report)."""
    out = []
    due = day_text(report.data.funds_due, lang)
    if s.policy_state != "green":
        out.append(t("rr_p_policy_missing", lang) if pd.isna(s.policy_revised_on) else
                   t("rr_p_policy_late", lang, day=_date(s.policy_revised_on, lang), due=due))
    if s.tiers_state != "green":
        out.append(t("rr_p_tiers", lang))
    if s.average_state != "green":
        out.append(t("rr_p_average", lang, avg=yuan(d.avg_grant_yuan_per_year, lang), target=yuan(TARGET_YUAN_PER_YEAR, lang))
                   if d.grant_recipients else t("rr_p_no_average", lang))
    if s.third_year_state != "green" and d.grant_recipients:
        out.append(t("rr_p_third_year", lang))
    if s.funds_state != "green" and d.grant_recipients:
        out.append(t("rr_p_funds", lang, day=day, pct=pct_text(d.disbursed_pct)))
    if d.priority_without_grant:
        out.append(t("rr_p_priority_gap" if d.full_coverage_gap else "rr_p_priority", lang, without=f"{int(d.priority_without_grant):,}",
                     gap=f"{int(d.full_coverage_gap):,}"))
    return out


def figures_table(report, lang: str) -> Table:
    """One row per column of the province's ``/export/rollout.csv`` row: its label, the export's field name
    and its value, exactly as the export has it."""
    rows = tuple((Cell(t(f"rr_f_{'name' if field == 'name_en' else field}", lang)), Cell(field), Cell(value))
                 for field, value in report.export.items())
    return Table((t("rr_col_label", lang), t("rr_col_field", lang), t("rr_col_value", lang)), rows, "LLR")


def document(report) -> Document:
    """The province's draft report as of D, in the view's language."""
    data = report.data
    lang, name = data.view.lang, data.steps.iloc[0]["name"]
    s, d = data.steps.iloc[0], data.summary.iloc[0]
    day = day_text(data.as_of, lang)
    found = problems(s, d, report, lang, day)
    numbered = [Paragraph(f"{i}. {text}" if lang == "en" else f"{i}．{text}") for i, text in enumerate(found, 1)]
    sections = (
        Section(None, (Paragraph(t("rr_addressee", lang), "lead"),
                       Paragraph(t("rr_opening", lang, year=data.year, we=we(name, lang))))),
        Section(t("rr_h_policy", lang), policy_section(s, d, lang, day, name)),
        Section(t("rr_h_funds", lang), funds_section(report, lang, day, name)),
        Section(t("rr_h_priority", lang), priority_section(d, lang, day, name)),
        Section(t("rr_h_next", lang), (Heading(t("rr_h_problems", lang)),
                                       *(numbered or [Paragraph(t("rr_p_none", lang))]),
                                       Heading(t("rr_h_plans", lang)), Paragraph(t("rr_blank", lang), "blank"))),
        Section(None, (Paragraph(t("rr_closing", lang)), Paragraph(""), Paragraph(t("rr_annex_note", lang)),
                       Signature(sender(name, lang), day), PageBreak(), Paragraph(t("rr_annex", lang), "label"),
                       Paragraph(t("rr_annex_title", lang), "title"),
                       Paragraph(t("rr_annex_source", lang, day=day), "note"), figures_table(report, lang))),
    )
    # Chinese: two lines broken between words (GB/T 9704 7.3.3); English wraps by itself
    title = (t("rr_title_1", lang, province=name), t("rr_title_2", lang))
    return Document(lang, title if lang == "zh" else (" ".join(title),), sections)
