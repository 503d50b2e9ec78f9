"""What a department may do next to a project (`Project.lifecycleActions`) is the lifecycle table read for its
department and the project's state, named by the mutations that do it: the names and the departments are those of
the approval subgraph's mutations, so a front-end offering them cannot drift from the API."""
from __future__ import annotations

import re
from pathlib import Path

from graphql import build_ast_schema, parse

from services.approval.domain.lifecycle import TRANSITIONS, Action, ProjectStatus
from services.approval.graphql.actions import MUTATION_OF, lifecycle_actions
from shared.auth import Department, Identity
from shared.graphql import scopes

SDL = (Path(__file__).resolve().parents[3] / "services" / "approval" / "schema.graphql").read_text(encoding="utf-8")


def test_every_lifecycle_action_but_finances_report_is_a_mutation_of_the_departments_the_table_names():
    assert set(TRANSITIONS) - set(MUTATION_OF) == {Action.RECORD_BUDGET_REVIEW}  # Finance's event, not a mutation
    mutations = {m.group(1): m.group(2) for m in re.finditer(
        r"^  (\w+)\(.*?\): \w+! @requiresScopes\(scopes: (\[.*?\]\])\)", SDL, re.MULTILINE)}
    for action, name in MUTATION_OF.items():
        assert name in mutations, name
        declared = mutations[name].replace('"', "'").replace(" ", "")
        assert declared == str(scopes(TRANSITIONS[action].departments)).replace(" ", ""), (name, declared)


def test_R_APP_2_a_submitted_project_offers_the_approval_bureau_its_decision_and_the_unit_nothing_of_it():
    bureau = Identity(department=Department.APPROVAL_BUREAU, unit="yiyang-approval-bureau")
    unit = Identity(department=Department.CONSTRUCTION_UNIT, unit="city-health-commission")
    offered = {a.mutation: a.available for a in lifecycle_actions(ProjectStatus.SUBMITTED, bureau)}
    assert offered["approveProject"] and offered["rejectProject"]
    assert not offered["concludeTechnicalReview"] and not offered["passCompletionAcceptance"]
    assert "submitProject" not in offered  # the unit's, not the bureau's
    for_unit = {a.mutation: a.available for a in lifecycle_actions(ProjectStatus.SUBMITTED, unit)}
    assert "approveProject" not in for_unit and not for_unit["submitProject"] and not for_unit["updateDossier"]
    assert {a.mutation: a.available for a in lifecycle_actions(ProjectStatus.REJECTED, unit)}["reviseProject"]
    assert lifecycle_actions(ProjectStatus.SUBMITTED, Identity(department=Department.PUBLIC)) == []


def test_the_field_is_in_the_approval_subgraph():
    schema = build_ast_schema(parse(SDL.replace("@requiresScopes", "@requiresScopesX")
                                    .replace("@authenticated", "@authenticatedX")), assume_valid=True)
    field = schema.get_type("Project").fields["lifecycleActions"]
    assert str(field.type) == "[LifecycleAction!]!"
