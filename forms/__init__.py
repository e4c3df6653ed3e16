"""The forms engine: form definitions as data (``forms/definitions/*.yaml``), built into
GOV.UK-styled Flask-WTF forms, with answers kept as plain JSON.

The web layer uses:

- ``load_definitions()`` / ``load_definition(path)`` / ``definition_from_data(snapshot)``
- ``build_page_form(definition, page_id, answers, formdata=None, choices=None)``
- ``handle_group_action(form, formdata)`` for "Add another" / "Remove"
- ``page_answers(definition, page_id, form)`` and ``merge_answers(...)`` to save a page
- ``visible_pages``, ``next_page_id``, ``previous_page_id``, ``progress`` for the route
- ``missing_answers`` and ``summary`` for check-your-answers and the referral detail page

and the Jinja macros in ``templates/forms/macros.html``.
"""

from forms.answers import (
    SummaryRow,
    SummarySection,
    answer_text,
    first_page_id,
    is_visible,
    merge_answers,
    missing_answers,
    next_page_id,
    page_answers,
    previous_page_id,
    progress,
    summary,
    visible_pages,
)
from forms.build import PageForm, build_page_form, handle_group_action
from forms.loader import (
    DefinitionError,
    check_definition,
    definition_from_data,
    load_definition,
    load_definitions,
)
from forms.schema import FormDefinition, Page, Question

__all__ = [
    "DefinitionError",
    "FormDefinition",
    "Page",
    "PageForm",
    "Question",
    "SummaryRow",
    "SummarySection",
    "answer_text",
    "build_page_form",
    "check_definition",
    "definition_from_data",
    "first_page_id",
    "handle_group_action",
    "is_visible",
    "load_definition",
    "load_definitions",
    "merge_answers",
    "missing_answers",
    "next_page_id",
    "page_answers",
    "previous_page_id",
    "progress",
    "summary",
    "visible_pages",
]
