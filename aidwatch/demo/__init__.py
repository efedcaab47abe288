"""The demo registry generator behind ``aidwatch demo-data``.

A dashboard over a national registry is only tried properly on national-size
data that tells the stories the dashboard exists to find (late provinces,
phantom enrolments, duplicate aid, missing reports). The real registry is
sensitive, so this package synthesises one: deterministic for a seed, every
foreign key resolving, every registry action on a Chinese working day, and
nothing dated after ``until``.

Modules: ``days`` (day numbers, working days, date strings), ``terms``
(semester arithmetic), ``names`` (people, schools, majors), ``idcard``
(GB 11643 ID numbers), ``provinces`` (size, diligence and rollout policy per
province), ``schools``, ``gaps`` (which schools leave students undeclared or
declare late: the funding gap), ``students``, ``aid`` (aid records, duplicate matches,
headcounts, inspections), ``generate`` (the chunked plan), ``write`` (SQLite
and PostgreSQL bulk loading) and ``indexes`` (what the dashboard needs of the
replica's administrators).
"""

from aidwatch.demo.generate import GenerationSummary, generate_registry

__all__ = ["GenerationSummary", "generate_registry"]
