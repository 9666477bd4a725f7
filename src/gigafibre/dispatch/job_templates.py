"""Job templates as data: ops edits labels, duration, skills and checklist on a small page."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.dispatch.models import JobTemplate

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
SKILL = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
INVALID = N_("Some fields are not valid.")
BAD_CODE = N_("Lowercase letters, digits and _ only, 2 to 40 characters.")
BAD_LABEL = N_("1 to 140 characters.")
BAD_DURATION = N_("A whole number of minutes from 5 to 720.")
BAD_SKILLS = N_("Skills are lowercase words separated by commas.")
BAD_CHECKLIST = N_("One item a line, French | English, at most 30 items.")


async def list_templates(session: AsyncSession) -> list[JobTemplate]:
    return list((await session.scalars(select(JobTemplate).order_by(JobTemplate.code))).all())


def parse_checklist(text: str) -> list[dict[str, str]]:
    """`Mesurer le signal | Measure the signal`, one a line; without `|` both languages match."""
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fr, _bar, en = (part.strip() for part in line.partition("|"))
        items.append({"fr": fr[:200], "en": (en or fr)[:200]})
    return items


def form_values(template: JobTemplate) -> dict[str, str]:
    """A template as the edit form shows it."""
    return {
        "code": template.code,
        "label_fr": template.label_fr,
        "label_en": template.label_en,
        "default_duration_minutes": str(template.default_duration_minutes),
        "active": "1" if template.active else "0",
        "required_skills": ", ".join(template.required_skills),
        "default_checklist": "\n".join(
            f"{item.get('fr', '')} | {item.get('en', '')}" for item in template.default_checklist
        ),
    }


async def save_template(
    session: AsyncSession, *, values: Mapping[str, str], actor: str
) -> JobTemplate:
    """Create the template `code`, or change it if it exists."""
    fields: dict[str, str] = {}
    code = values.get("code", "").strip()
    if not CODE.match(code):
        fields["code"] = BAD_CODE
    labels = {key: values.get(key, "").strip() for key in ("label_fr", "label_en")}
    for key, label in labels.items():
        if not 0 < len(label) <= 140:
            fields[key] = BAD_LABEL
    try:
        minutes = int(values.get("default_duration_minutes", ""))
        if not 5 <= minutes <= 720:
            raise ValueError
    except ValueError:
        fields["default_duration_minutes"] = BAD_DURATION
        minutes = 60
    skills = [
        skill.strip() for skill in values.get("required_skills", "").split(",") if skill.strip()
    ]
    if any(not SKILL.match(skill) for skill in skills):
        fields["required_skills"] = BAD_SKILLS
    checklist = parse_checklist(values.get("default_checklist", ""))
    if len(checklist) > 30:
        fields["default_checklist"] = BAD_CHECKLIST
    if fields:
        raise ValidationFailedError(INVALID, fields=fields)
    template = await session.scalar(select(JobTemplate).where(JobTemplate.code == code))
    if template is None:
        template = JobTemplate(code=code)
        session.add(template)
    template.label_fr = labels["label_fr"]
    template.label_en = labels["label_en"]
    template.default_duration_minutes = minutes
    template.required_skills = skills
    template.default_checklist = checklist
    template.active = values.get("active", "1") == "1"
    await session.flush()
    await emit(session, "job_template.saved", {"template": code, "actor": actor})
    return template
