"""An assessment as OSCAL 1.2 assessment results (docs/oscal.md#assessment-results).

One result holds a finding per assessable item: its target is the item's statement in the
OSCAL catalog of the framework version (principles.interop.oscal), its state `satisfied`
when the item reached the top of the scale, else `not-satisfied`; the level, the
justification and the recommendation travel with it. The quoted evidence of each item is an
observation the finding points to; the jurisdiction's observations, for those who may see
them, are observations of their own. The jurisdiction and the sharing level are marked in
the metadata, as OSCAL's `marking` prop and as CT Framework props.
"""

import json

from django.utils import timezone

from principles.interop.oscal import (
    OSCAL_VERSION,
    ns_prop,
    oscal_datetime,
    oscal_id,
    stable_uuid,
)

from .exports import Export
from .models import Assessment


def assessment_results(
    assessment: Assessment, *, name_editors: bool, with_observations: bool
) -> dict:
    """The OSCAL assessment results of an assessment, as those rights allow."""
    export = Export(assessment, name_editors=name_editors, with_observations=with_observations)
    framework, jurisdiction = assessment.framework, assessment.strategy.jurisdiction
    key = ("assessment", str(assessment.pk), str(assessment.revision))
    top = max((lv.value for lv in assessment.scale.levels.all() if lv.value is not None), default=0)
    props = [
        {"name": "marking", "value": assessment.sharing},
        ns_prop("jurisdiction", jurisdiction.code),
        ns_prop("jurisdiction-name", jurisdiction.name),
        ns_prop("sharing", assessment.sharing),
        ns_prop("status", assessment.status),
        ns_prop("framework", framework.slug),
        ns_prop("framework-version", framework.version),
        ns_prop("scale", assessment.scale.slug),
        ns_prop("revision", str(assessment.revision)),
    ]
    if export.overall_index is not None:
        props.append(ns_prop("overall-index", str(export.overall_index)))
    party = stable_uuid("jurisdiction", jurisdiction.code)
    plan = stable_uuid("plan", *key)
    observations, findings = [], []
    for score in export.scores:
        principle = score.principle
        collected = oscal_datetime(score.updated_at or assessment.created_at)
        related = []
        if score.evidence:
            observation = {
                "uuid": stable_uuid("evidence", *key, principle.code),
                "title": f"Evidence for {principle.number}",
                "description": score.evidence,
                "methods": ["EXAMINE"],
                "collected": collected,
                "relevant-evidence": [
                    {
                        "description": score.evidence
                        + (f" ({score.location})" if score.location else "")
                    }
                ],
            }
            observations.append(observation)
            related.append({"observation-uuid": observation["uuid"]})
        target = {"type": "statement-id", "target-id": f"{oscal_id(principle.code)}_smt"}
        finding_props = [ns_prop("item", principle.code), ns_prop("scored", bool(score.level_id))]
        if score.level_id:
            level = score.level
            finding_props += [ns_prop("level", level.code), ns_prop("level-label", level.label)]
            if level.value is not None:
                finding_props.append(ns_prop("level-value", str(level.value)))
                state = "satisfied" if level.value >= top else "not-satisfied"
                target["status"] = {"state": state}
        if name_editors and score.updated_by_id:
            finding_props.append(ns_prop("updated-by", score.updated_by.get_username()))
        finding = {
            "uuid": stable_uuid("finding", *key, principle.code),
            "title": f"{framework.item_label} {principle.number}: {principle.title}",
            "description": score.justification or "No justification recorded.",
            "props": finding_props,
            "target": target,
        }
        if related:
            finding["related-observations"] = related
        if score.recommendation:
            finding["remarks"] = score.recommendation
        findings.append(finding)
    for index, observation in enumerate(export.observations):
        entry_props = [
            ns_prop("kind", "jurisdiction-observation"),
            ns_prop("author", observation["author"]),
        ]
        if observation["principle"]:
            entry_props.append(ns_prop("item", observation["principle"]))
        observations.append(
            {
                "uuid": stable_uuid("observation", *key, str(index)),
                "title": f"Observation of {jurisdiction.name}",
                "description": observation["text"],
                "props": entry_props,
                "methods": ["INTERVIEW"],
                "collected": f"{observation['date']}T00:00:00Z",
            }
        )
    result = {
        "uuid": stable_uuid("result", *key),
        "title": str(assessment),
        "description": f"{assessment.strategy.title} scored against {framework.title} "
        f"{framework.version} on the scale {assessment.scale.slug}.",
        "start": oscal_datetime(assessment.created_at),
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
        "findings": findings,
    }
    if assessment.finalized_at:
        result["end"] = oscal_datetime(assessment.finalized_at)
    if observations:
        result["observations"] = observations
    return {
        "assessment-results": {
            "uuid": stable_uuid("results", *key),
            "metadata": {
                "title": str(assessment),
                "last-modified": oscal_datetime(assessment.updated_at or timezone.now()),
                "version": str(assessment.revision),
                "oscal-version": OSCAL_VERSION,
                "props": props,
                "roles": [{"id": "assessed-party", "title": "Assessed jurisdiction"}],
                "parties": [{"uuid": party, "type": "organization", "name": jurisdiction.name}],
                "responsible-parties": [{"role-id": "assessed-party", "party-uuids": [party]}],
            },
            "import-ap": {"href": f"#{plan}"},
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan,
                        "title": f"{framework.title} {framework.version}",
                        "description": "The principle set the assessment scores, as an OSCAL "
                        "catalog exported by CT Framework (no separate assessment plan).",
                        "props": [
                            ns_prop("slug", framework.slug),
                            ns_prop("version", framework.version),
                            ns_prop(
                                "catalog-uuid",
                                stable_uuid("catalog", framework.slug, framework.version),
                            ),
                        ],
                    }
                ]
            },
        }
    }


def to_oscal(assessment: Assessment, *, name_editors: bool, with_observations: bool = False):
    """The assessment results as OSCAL JSON (an exporter of exports.EXPORTERS)."""
    data = assessment_results(
        assessment, name_editors=name_editors, with_observations=with_observations
    )
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return body, "application/json", "oscal.json"


def to_oscal_yaml(assessment: Assessment, *, name_editors: bool, with_observations: bool = False):
    """The assessment results as OSCAL YAML."""
    from principles.exporting import dump_yaml

    data = assessment_results(
        assessment, name_editors=name_editors, with_observations=with_observations
    )
    return dump_yaml(data).encode(), "application/yaml; charset=utf-8", "oscal.yaml"
