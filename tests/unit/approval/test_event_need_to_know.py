"""R-SEC-2: events about a classified project carry its id and the facts consumers need, never its name or the
content of its dossier."""
from services.approval.announcements import BUILDERS, announcement
from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.lifecycle import Action, ProjectStatus
from tests.unit.approval.builders import BUREAU, NOW, ORDER, complete_dossier, project_at

PAYLOADS = {
    Action.REJECT: ("r",), Action.REJECT_CHANGE: ("c1", ("r",)), Action.APPROVE_CHANGE: "c1",
    Action.REVIEW_PERFORMANCE: d.PerformanceReview(year=2027, targets_met=True, opinion="o"),
    Action.CONFIRM_RECTIFICATION: 2027, Action.CLOSE: "end",
}


def secret_texts() -> list[str]:
    dossier = complete_dossier()
    return ["Health data platform", dossier["feasibility_study"].construction_content,
            dossier["preliminary_design"].implementation_approach, dossier["data_sharing"].catalog[0].name]


def test_R_SEC_2_no_event_of_a_classified_project_names_it_or_tells_its_content():
    seen = 0
    for status in ORDER:
        project = project_at(status, classified=True)
        project = project.model_copy(update={
            "changes": (d.Change(change_id="c1", plan="p", status=d.ChangeStatus.REQUESTED),),
            "performance_cycles": (d.PerformanceCycle(year=2027, self_evaluation="s", claims_targets_met=True,
                                                      targets_met=True,
                                                      rectification=d.Rectification.DONE),)})
        entry = model.HistoryEntry(at=NOW, action="X", from_status=status, to_status=status,
                                   department=BUREAU.department.value, unit=None, subject="s", reasons=("r",))
        for action in BUILDERS:
            try:
                event = announcement(action, project, entry, PAYLOADS.get(action))
            except (AttributeError, TypeError, IndexError, ValueError):
                continue  # this action's facts do not exist yet at this stage
            text = event.model_dump_json()
            assert project.id in text
            assert not [t for t in secret_texts() if t in text], (action, text)
            seen += 1
    assert seen > len(BUILDERS)  # every kind of event was checked, most at several stages
    assert project_at(ProjectStatus.SUBMITTED).name == "Health data platform"  # the texts are the project's own
