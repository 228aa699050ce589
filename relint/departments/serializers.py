"""One flat record per department, shared by the API and the open-data
exports. The office email is the department's, not a person's."""

from __future__ import annotations

from relint.departments.models import Department


def department_record(department: Department) -> dict:
    """Reads `department.delegation`: select it."""
    return {
        "code": department.code,
        "kind": department.kind,
        "name_it": department.name_it,
        "name_en": department.name_en,
        "delegation": department.delegation.name_it if department.delegation_id else None,
        "competences_it": department.competences_it,
        "competences_en": department.competences_en,
        "table_order": department.table_order,
    }


DEPARTMENT_RECORD_RELATED = ("delegation",)
