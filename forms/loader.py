"""Load form definitions from YAML and check them before anyone fills them in.

A mistake in a definition is reported as a ``DefinitionError`` whose message names the
file, the path inside it (``pages[2].questions[4].show_if.question``) and the problem,
so whoever edits the YAML can find it without reading Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from wtforms import Form

from forms.schema import CHOICE_TYPES, GROUP_FIELD_TYPES, REVEALING_TYPES, FormDefinition, Question

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

# Names a question id cannot take because the built form already uses them.
_RESERVED = {"csrf_token", "add_item", "remove_item", "submit"}


class DefinitionError(ValueError):
    """A form definition is malformed; ``problems`` holds (path, problem) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [
            f"{source}: {path}: {problem}" if path else f"{source}: {problem}"
            for path, problem in problems
        ]
        super().__init__("\n".join(lines))


def load_definition(path: str | Path) -> FormDefinition:
    """Read, validate and check one definition file."""
    path = Path(path)
    source = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DefinitionError(source, [(where, f"not valid YAML: {exc.problem}")]) from exc
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(source, [("", f"cannot be read: {exc}")]) from exc
    return definition_from_data(raw, source=source)


def load_definitions(directory: str | Path | None = None) -> dict[str, FormDefinition]:
    """Load every ``*.yaml`` definition in ``directory`` (default ``forms/definitions``), by id."""
    directory = Path(directory) if directory is not None else DEFINITIONS_DIR
    found: dict[str, FormDefinition] = {}
    files: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        definition = load_definition(path)
        if definition.id in found:
            raise DefinitionError(
                str(path), [("id", f"{definition.id!r} is also the id of {files[definition.id]}")]
            )
        found[definition.id] = definition
        files[definition.id] = path
    return found


def definition_from_data(data: Any, source: str = "<definition>") -> FormDefinition:
    """Validate a definition given as plain data (a parsed file or a stored snapshot)."""
    if not isinstance(data, dict):
        raise DefinitionError(source, [("", "a definition must be a mapping (id, version, ...)")])
    try:
        definition = FormDefinition.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(source, [_pydantic_problem(e) for e in exc.errors()]) from exc
    problems = check_definition(definition)
    if problems:
        raise DefinitionError(source, problems)
    return definition


def _pydantic_problem(error: Any) -> tuple[str, str]:
    loc = [part for part in error["loc"] if part not in ("function-after", "function-before")]
    path = _path(loc)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "literal_error" and loc and loc[-1] == "type":
        message = f"unknown question type {error['input']!r}; {message[:1].lower()}{message[1:]}"
    elif error["type"] == "extra_forbidden":
        message = "unknown key (is it misspelt?)"
    return path, message


def _path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def check_definition(definition: FormDefinition) -> list[tuple[str, str]]:
    """The checks pydantic cannot do alone: ids, and references between questions.

    Returns (path, problem) pairs; an empty list means the definition is sound.
    """
    problems: list[tuple[str, str]] = []
    seen_pages: set[str] = set()
    # id -> (page index, position on the page, question)
    where: dict[str, tuple[int, int, Question]] = {}

    for p, page in enumerate(definition.pages):
        if page.id in seen_pages:
            problems.append((f"pages[{p}].id", f"duplicate page id {page.id!r}"))
        seen_pages.add(page.id)
        for n, question in enumerate(page.questions):
            path = f"pages[{p}].questions[{n}]"
            if question.id in where:
                first_page, first_n, _ = where[question.id]
                problems.append(
                    (
                        f"{path}.id",
                        f"duplicate question id {question.id!r} "
                        f"(first used at pages[{first_page}].questions[{first_n}])",
                    )
                )
                continue
            if question.id in _RESERVED or hasattr(_page_form_class(), question.id):
                problems.append((f"{path}.id", f"{question.id!r} is a reserved name"))
            where[question.id] = (p, n, question)
            if question.type == "group":
                problems += _check_group(question, path)

    for p, page in enumerate(definition.pages):
        for r, rule in enumerate(page.rules):
            problems += _check_rule(rule, p, f"pages[{p}].rules[{r}]", where)
        if page.show_if is not None:
            problems += _check_page_condition(page.show_if, p, f"pages[{p}].show_if", where)
        for n, question in enumerate(page.questions):
            path = f"pages[{p}].questions[{n}]"
            if where.get(question.id, (None, None, None))[2] is not question:
                continue  # a duplicate, already reported
            if question.show_if is not None:
                problems += _check_condition(question, p, n, f"{path}.show_if", where)
            for rule in ("after", "before"):
                comparison = getattr(question, rule)
                if comparison is not None:
                    problems += _check_comparison(
                        question, comparison.question, p, f"{path}.{rule}.question", where
                    )
    return problems


def _check_group(group: Question, path: str) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for n, field in enumerate(group.fields or []):
        fpath = f"{path}.fields[{n}]"
        if field.id in seen:
            problems.append((f"{fpath}.id", f"duplicate field id {field.id!r} in this group"))
        seen.add(field.id)
        if hasattr(Form, field.id):
            problems.append((f"{fpath}.id", f"{field.id!r} is a reserved name"))
        if field.type not in GROUP_FIELD_TYPES:
            problems.append((f"{fpath}.type", f"a {field.type} cannot be asked inside a group"))
        if field.show_if is not None:
            problems.append((f"{fpath}.show_if", "questions inside a group cannot be conditional"))
        if field.after is not None or field.before is not None:
            problems.append((fpath, "after and before cannot be used inside a group"))
        if field.options_from is not None:
            problems.append((f"{fpath}.options_from", "options_from cannot be used inside a group"))
    return problems


def _check_rule(
    rule: Any, p: int, path: str, where: dict[str, tuple[int, int, Question]]
) -> list[tuple[str, str]]:
    """An ``at_least_one`` rule names optional questions of its own page, each once."""
    problems: list[tuple[str, str]] = []
    ids = rule.at_least_one
    for n, qid in enumerate(ids):
        qpath = f"{path}.at_least_one[{n}]"
        target = where.get(qid)
        if target is None:
            problems.append((qpath, f"unknown question {qid!r}"))
        elif target[0] != p:
            problems.append((qpath, f"{qid!r} is not on this page"))
        elif target[2].type in ("content", "group"):
            problems.append((qpath, f"a {target[2].type} cannot be part of at_least_one"))
        elif target[2].required:
            problems.append(
                (qpath, f"{qid!r} is required already; make it required: false for this rule")
            )
    if len(set(ids)) != len(ids):
        problems.append((f"{path}.at_least_one", "a question is listed twice"))
    if rule.field is not None and rule.field not in ids:
        problems.append((f"{path}.field", f"{rule.field!r} is not one of at_least_one"))
    return problems


def _check_page_condition(
    show_if: Any, p: int, path: str, where: dict[str, tuple[int, int, Question]]
) -> list[tuple[str, str]]:
    target = where.get(show_if.question)
    if target is None:
        return [(f"{path}.question", f"unknown question {show_if.question!r}")]
    if target[0] >= p:
        return [(f"{path}.question", f"{show_if.question!r} must be on an earlier page")]
    return _check_values(show_if, target[2], path)


def _check_condition(
    question: Question, p: int, n: int, path: str, where: dict[str, tuple[int, int, Question]]
) -> list[tuple[str, str]]:
    show_if = question.show_if
    assert show_if is not None
    target = where.get(show_if.question)
    if target is None:
        return [(f"{path}.question", f"unknown question {show_if.question!r}")]
    t_page, t_n, controller = target
    if controller is question:
        return [(f"{path}.question", "a question cannot depend on itself")]
    if t_page > p:
        return [(f"{path}.question", f"{show_if.question!r} is on a later page")]
    if controller.type in ("content", "group", "file"):
        return [(f"{path}.question", f"a {controller.type} cannot control another question")]
    problems = _check_values(show_if, controller, path)
    if t_page == p:
        # Same page: GOV.UK conditional reveal, shown under one option of the controller.
        if controller.type not in REVEALING_TYPES:
            problems.append(
                (
                    f"{path}.question",
                    f"{show_if.question!r} is on the same page, so it must be radios, checkboxes "
                    f"or yes_no to reveal this question (it is {controller.type})",
                )
            )
        elif controller.show_if is not None and where[controller.show_if.question][0] == p:
            problems.append((path, "revealed questions cannot reveal further questions"))
        elif len(show_if.values()) != 1:
            problems.append((path, "a question on the same page is revealed by one answer only"))
        elif controller.type == "checkboxes" and show_if.contains is None:
            problems.append((path, "use contains for a checkboxes question on the same page"))
        if t_n > n:
            problems.append(
                (f"{path}.question", f"{show_if.question!r} must come before this question")
            )
    return problems


def _check_values(show_if: Any, controller: Question, path: str) -> list[tuple[str, str]]:
    # A condition on a value the controller never offers can never hold: a typo.
    if controller.type not in CHOICE_TYPES | {"yes_no"} or controller.options_from:
        return []
    offered = {o.value for o in controller.choice_options}
    return [
        (path, f"{value!r} is not an option of {controller.id!r}")
        for value in show_if.values()
        if value not in offered
    ]


def _check_comparison(
    question: Question,
    other_id: str,
    p: int,
    path: str,
    where: dict[str, tuple[int, int, Question]],
) -> list[tuple[str, str]]:
    target = where.get(other_id)
    if target is None:
        return [(path, f"unknown question {other_id!r}")]
    if target[2] is question:
        return [(path, "a date cannot be compared with itself")]
    if target[0] > p:
        return [(path, f"{other_id!r} is on a later page")]
    if target[2].type != "date":
        return [(path, f"{other_id!r} is not a date question")]
    return []


def _page_form_class() -> type:
    # Imported late: forms.build imports this module's siblings, not this module.
    from forms.build import PageForm

    return PageForm
