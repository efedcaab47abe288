"""The registry replica contract as SQLAlchemy Core tables.

This is the project's own copy of ``shared/registry/schema.sql``: column for
column, type for type. The registry owns the shape; the dashboard only reads
it. ``aidwatch check-replica`` compares a live replica against these tables,
and the demo-data generator creates exactly these tables.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

province = sa.Table(
    "province",
    metadata,
    sa.Column("code", sa.CHAR(2), primary_key=True),
    sa.Column("name", sa.String(32), nullable=False),
    sa.Column("short_name", sa.String(8), nullable=False),
    sa.Column("region", sa.String(12), nullable=False),
)

city = sa.Table(
    "city",
    metadata,
    sa.Column("code", sa.CHAR(6), primary_key=True),
    sa.Column("province_code", sa.CHAR(2), sa.ForeignKey("province.code"), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
)

school = sa.Table(
    "school",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("province_code", sa.CHAR(2), sa.ForeignKey("province.code"), nullable=False),
    sa.Column("city_code", sa.CHAR(6), sa.ForeignKey("city.code"), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("ownership", sa.String(8), nullable=False),
    sa.Column("dual_plate", sa.Boolean, nullable=False),
    sa.Column("joint_enrollment", sa.Boolean, nullable=False),
    sa.Column("opened_on", sa.Date),
    sa.Column("closed_on", sa.Date),
)

student = sa.Table(
    "student",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("school.id"), nullable=False),
    sa.Column("province_code", sa.CHAR(2), nullable=False),
    sa.Column("id_number", sa.CHAR(18), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("gender", sa.CHAR(1), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("major_code", sa.String(16), nullable=False),
    sa.Column("agri_major", sa.Boolean, nullable=False),
    sa.Column("intake_term", sa.CHAR(5), nullable=False),
    sa.Column("program_years", sa.SmallInteger, nullable=False),
    sa.Column("enrolled_on", sa.Date, nullable=False),
    sa.Column("registered_on", sa.Date),
    sa.Column("reg_approved_on", sa.Date),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("hardship", sa.String(20)),
)

status_change = sa.Table(
    "status_change",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("student_id", sa.BigInteger, sa.ForeignKey("student.id"), nullable=False),
    sa.Column("school_id", sa.Integer, nullable=False),
    sa.Column("province_code", sa.CHAR(2), nullable=False),
    sa.Column("change_type", sa.String(16), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("recorded_on", sa.Date),
    sa.Column("approved_on", sa.Date),
    sa.Column("rejected_on", sa.Date),
)

graduation = sa.Table(
    "graduation",
    metadata,
    sa.Column("student_id", sa.BigInteger, sa.ForeignKey("student.id"), primary_key=True, autoincrement=False),
    sa.Column("school_id", sa.Integer, nullable=False),
    sa.Column("province_code", sa.CHAR(2), nullable=False),
    sa.Column("graduated_on", sa.Date, nullable=False),
    sa.Column("uploaded_on", sa.Date),
    sa.Column("approved_on", sa.Date),
    sa.Column("certificate_no", sa.String(32)),
)

school_headcount = sa.Table(
    "school_headcount",
    metadata,
    sa.Column("school_id", sa.Integer, sa.ForeignKey("school.id"), primary_key=True, autoincrement=False),
    sa.Column("province_code", sa.CHAR(2), nullable=False),
    sa.Column("term", sa.CHAR(5), primary_key=True),
    sa.Column("reported_students", sa.Integer, nullable=False),
    sa.Column("reported_new", sa.Integer, nullable=False),
)

aid_record = sa.Table(
    "aid_record",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("student_id", sa.BigInteger, sa.ForeignKey("student.id"), nullable=False),
    sa.Column("school_id", sa.Integer, nullable=False),
    sa.Column("province_code", sa.CHAR(2), nullable=False),
    sa.Column("term", sa.CHAR(5), nullable=False),
    sa.Column("grade", sa.SmallInteger, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("grant_tier", sa.SmallInteger),
    sa.Column("amount", sa.Numeric(10, 2), nullable=False),
    sa.Column("submitted_on", sa.Date),
    sa.Column("publicized_on", sa.Date),
    sa.Column("approved_on", sa.Date),
    sa.Column("disbursed_on", sa.Date),
    sa.Column("status", sa.String(10), nullable=False),
)

duplicate_match = sa.Table(
    "duplicate_match",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("batch_month", sa.CHAR(7), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("student_id", sa.BigInteger, sa.ForeignKey("student.id"), nullable=False),
    sa.Column("school_id", sa.Integer, nullable=False),
    sa.Column("province_code", sa.CHAR(2), nullable=False),
    sa.Column("term", sa.CHAR(5), nullable=False),
    sa.Column("other_school_name", sa.String(128), nullable=False),
    sa.Column("other_province_code", sa.CHAR(2), nullable=False),
    sa.Column("pushed_on", sa.Date, nullable=False),
    sa.Column("verified_on", sa.Date),
    sa.Column("outcome", sa.String(16)),
    sa.Column("rectified_on", sa.Date),
)

province_rollout = sa.Table(
    "province_rollout",
    metadata,
    sa.Column("province_code", sa.CHAR(2), sa.ForeignKey("province.code"), primary_key=True),
    sa.Column("year", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("policy_revised_on", sa.Date),
    sa.Column("tier_count", sa.SmallInteger),
    sa.Column("tier_amounts", sa.String(64)),
    sa.Column("budget_confirmed_on", sa.Date),
    sa.Column("funds_disbursed_on", sa.Date),
    sa.Column("report_submitted_on", sa.Date),
)

inspection = sa.Table(
    "inspection",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("school.id"), nullable=False),
    sa.Column("province_code", sa.CHAR(2), nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("inspected_on", sa.Date, nullable=False),
    sa.Column("finding_count", sa.Integer, nullable=False),
    sa.Column("serious", sa.Boolean, nullable=False),
    sa.Column("rectified_on", sa.Date),
)

registry_meta = sa.Table(
    "registry_meta",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)

#: Value sets from shared/registry/README.md, used by the generator, the
#: data-quality checks and the UI's labels.
SCHOOL_LEVELS = ("technician_college", "senior_technical", "technical")
STUDENT_STATUSES = ("enrolled", "suspended", "withdrawn", "transferred", "graduated", "expelled", "deceased")
HARDSHIP_GROUPS = (
    "registered_poor", "dibao", "tekun", "orphan", "martyr_child", "disabled", "disabled_parent",
    "edge_poverty", "sudden_hardship",
)
#: The first seven groups must be fully covered (特困); the last two brought in promptly.
FULL_COVERAGE_GROUPS = HARDSHIP_GROUPS[:7]
CHANGE_TYPES = (
    "transfer_out", "transfer_in", "suspend", "resume", "withdraw", "expel", "major_change", "enlist", "deceased",
)
AID_KINDS = ("tuition", "grant")
AID_STATUSES = ("submitted", "approved", "rejected", "revoked")
MATCH_OUTCOMES = ("confirmed", "false_positive")
