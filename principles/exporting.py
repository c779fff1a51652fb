"""Writing frameworks and crosswalks back in the file format of docs/framework-format.md."""

import json

import yaml

from .library_files import CROSSWALK_FORMAT, FRAMEWORK_FORMAT
from .models import CrossReference, Framework

# The formats a framework or its crosswalk is exported in: the import format (YAML), and
# OSCAL 1.2 in JSON or YAML (docs/oscal.md).
EXPORT_FORMATS = ["ctframework", "oscal", "oscal-yaml"]


class _LibraryDumper(yaml.SafeDumper):
    """Block scalars for multi-line texts, so exported files stay readable and diffable."""


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LibraryDumper.add_representer(str, _represent_str)


def dump_yaml(data: dict) -> str:
    """Serialise file data as YAML with keys in the documented order."""
    return yaml.dump(data, Dumper=_LibraryDumper, sort_keys=False, allow_unicode=True, width=100)


def framework_data(framework: Framework) -> dict:
    """The file data of one framework version, in document order."""
    principles = list(
        framework.principles.select_related("section", "parent")
        .prefetch_related("tags")
        .order_by("order")
    )
    tags = sorted({tag for p in principles for tag in p.tags.all()}, key=lambda t: t.slug)
    meta = {
        "slug": framework.slug,
        "version": framework.version,
        "title": framework.title,
        "short_title": framework.short_title,
        "issuing_body": framework.issuing_body,
        "kind": framework.kind,
        "adopted_on": framework.adopted_on.isoformat() if framework.adopted_on else None,
        "source_document": framework.source_document,
        "source_url": framework.source_url,
        "item_label": framework.item_label,
        "description": framework.description,
        "assessable": framework.assessable,
        "language": framework.language,
    }
    if framework.notes:
        meta["notes"] = framework.notes
    if framework.translations:
        meta["translations"] = framework.translations
    sections = []
    for section in framework.sections.select_related("parent").order_by("order"):
        entry = {"code": section.code, "title": section.title}
        if section.parent_id:
            entry["parent"] = section.parent.code
        if not section.assessable:
            entry["assessable"] = False
        if section.translations:
            entry["translations"] = section.translations
        sections.append(entry)
    items = []
    for principle in principles:
        entry = {
            "code": principle.code,
            "number": principle.number,
            "section": principle.section.code,
            "title": principle.title,
            "text": principle.text,
        }
        principle_tags = sorted(t.slug for t in principle.tags.all())
        if principle_tags:
            entry["tags"] = principle_tags
        if principle.parent_id:
            entry["parent"] = principle.parent.code
        if principle.withdrawn:
            entry["withdrawn"] = True
        if not principle.assessable and not principle.withdrawn:
            entry["assessable"] = False
        if principle.notes:
            entry["notes"] = principle.notes
        if principle.translations:
            entry["translations"] = principle.translations
        items.append(entry)
    data = {"format": FRAMEWORK_FORMAT, "framework": meta}
    if tags:
        data["tags"] = [
            {
                "slug": t.slug,
                "name": t.name,
                **({"translations": t.translations} if t.translations else {}),
            }
            for t in tags
        ]
    data["sections"] = sections
    data["principles"] = items
    return data


def crosswalk_data(references) -> dict:
    """The file data of a set of cross-references (the links a review removed are not in
    the database, so not in an export: the library's source file keeps their records)."""
    references = references.select_related("source__framework", "target__framework").order_by(
        "source__framework__slug",
        "source__order",
        "-strength",
        "target__framework__slug",
        "target__order",
    )
    return {"format": CROSSWALK_FORMAT, "mappings": [mapping_data(r) for r in references]}


def mapping_data(reference) -> dict:
    """One link as the file carries it, with its review record when it has one."""

    def ref(principle):
        return {
            "framework": principle.framework.slug,
            "version": principle.framework.version,
            "code": principle.code,
        }

    entry = {
        "source": ref(reference.source),
        "target": ref(reference.target),
        "relationship": reference.relationship,
        "strength": reference.strength,
        "rationale": reference.rationale,
    }
    if reference.review_verdict:
        entry["review"] = {
            "verdict": reference.review_verdict,
            "note": reference.review_note,
            "reviewed_on": reference.reviewed_on,  # a date: written as YAML writes dates
        }
    return entry


def export_download(framework: Framework, *, crosswalk: bool, fmt: str):
    """An HTTP response offering the export as a file (the library page and the API)."""
    from django.http import HttpResponse
    from django.utils.text import slugify

    text = framework_export(framework, crosswalk=crosswalk, fmt=fmt)
    parts = [framework.slug, slugify(framework.version)]
    parts += ["crosswalk"] if crosswalk else []
    parts += ["oscal"] if fmt != "ctframework" else []
    extension = "json" if fmt == "oscal" else "yaml"
    content_type = "application/json" if fmt == "oscal" else "application/yaml; charset=utf-8"
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{"-".join(parts)}.{extension}"'
    return response


def framework_export(framework: Framework, *, crosswalk: bool = False, fmt: str) -> str:
    """The text of a framework version, or of the crosswalk from its items, in one of
    EXPORT_FORMATS: an OSCAL catalog, or an OSCAL mapping collection for the crosswalk."""
    from .interop import oscal

    if crosswalk:
        data = crosswalk_data(CrossReference.objects.filter(source__framework=framework))
        if fmt != "ctframework":
            data = oscal.mapping_collection(data)
    else:
        data = framework_data(framework)
        if fmt != "ctframework":
            data = oscal.catalog(data)
    if fmt == "oscal":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return dump_yaml(data)
