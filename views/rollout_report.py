"""The province's draft 6 June report on the expanded and raised national grant (扩围提标), as a document.

The notice (§二(一)) asks every province to report in writing by 6 June how it
has put the policy into effect. This drafts that report from the rollout
page's own figures (``callbacks.rollout.report_data``): the four sections
the ministry's aid office reads, the shortfalls as sentences, a marked place
for the province's own text, and the province's row of ``/export/rollout.csv``
as an attachment, each label with its value exactly as the export has it.
Aggregates only: no student is named or counted alone. ``exports.docx_writer``
lays it out (GB/T 9704-2012); docs/documents.md says why it reads as it does.
"""

from __future__ import annotations

import pandas as pd

from aidwatch.contract import HARDSHIP_GROUPS
from aidwatch.metrics.rollout import TARGET_YUAN_PER_YEAR
from aidwatch.narrative import day_text, pct_text
from views.document import Cell, Document, Heading, PageBreak, Paragraph, Section, Signature, Table
from aidwatch.i18n import N_, t

# Keys chosen at run time (a verdict, an office, a figure's field name), marked for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("rr_below"), N_("rr_f_avg_grant_yuan_per_year"), N_("rr_f_code"), N_("rr_f_disbursed_pct"),
    N_("rr_f_grant_recipients"), N_("rr_f_name"), N_("rr_f_policy_revised_on"), N_("rr_f_priority_students"),
    N_("rr_f_priority_without_grant"), N_("rr_f_report_status"), N_("rr_f_report_submitted_on"),
    N_("rr_f_target_yuan_per_year"), N_("rr_f_third_year_recipients"), N_("rr_f_tier_amounts"),
    N_("rr_f_tier_count"), N_("rr_office_bureau"), N_("rr_office_dept"), N_("rr_p_priority"),
    N_("rr_p_priority_gap"), N_("rr_reaches"),
)

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
    office = t("rr_office_bureau", lang) if municipal(name) else t("rr_office_dept", lang)
    return t("rr_sender", lang, province=name, office=office)


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
                    verdict=t("rr_reaches", lang) if ok else t("rr_below", lang), target=yuan(TARGET_YUAN_PER_YEAR, lang))
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
        without, gap = f"{int(d.priority_without_grant):,}", f"{int(d.full_coverage_gap):,}"
        out.append(t("rr_p_priority_gap", lang, without=without, gap=gap) if d.full_coverage_gap
                   else t("rr_p_priority", lang, without=without, gap=gap))
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
