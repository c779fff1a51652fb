"""Writes to the principle library: importing framework and crosswalk files."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .library_files import (
    CROSSWALK_FORMAT,
    FRAMEWORK_FORMAT,
    LibraryFileError,
    Problem,
    principle_key,
    read_library_file,
)
from .models import CrossReference, Framework, Principle, Section, Tag


@dataclass
class ImportReport:
    """What an import did, or with --dry-run would do."""

    subject: str
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.deleted)

    def lines(self) -> list[str]:
        out = [self.subject]
        for label, items in (
            (_("created: %(item)s"), self.created),
            (_("changed: %(item)s"), self.changed),
            (_("deleted: %(item)s"), self.deleted),
        ):
            out += ["  " + label % {"item": item} for item in items]
        # Counts after labels: no sentence whose grammar depends on four numbers at once.
        summary = (
            _(
                "Would be created: %(created)s; changed: %(changed)s; deleted: %(deleted)s; "
                "unchanged: %(unchanged)s."
            )
            if self.dry_run
            else _(
                "Created: %(created)s; changed: %(changed)s; deleted: %(deleted)s; "
                "unchanged: %(unchanged)s."
            )
        )
        out.append(
            summary
            % {
                "created": len(self.created),
                "changed": len(self.changed),
                "deleted": len(self.deleted),
                "unchanged": self.unchanged,
            }
        )
        return out


class _DryRunRollback(Exception):
    pass


def _sync(obj, values: dict, label: str, report: ImportReport) -> None:
    """Set `values` on `obj`, save it if anything differs, and record what happened."""
    created = obj.pk is None
    differing = (
        list(values)
        if created
        else [name for name, value in values.items() if getattr(obj, name) != value]
    )
    for name in differing:
        setattr(obj, name, values[name])
    if created:
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.created.append(label)
    elif differing:
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save(update_fields=differing)
        report.changed.append(f"{label} ({', '.join(differing)})")
    else:
        report.unchanged += 1


def _framework_values(meta: dict) -> dict:
    return {
        "title": meta["title"],
        "short_title": meta["short_title"],
        "issuing_body": meta["issuing_body"],
        "kind": meta["kind"],
        "adopted_on": (
            datetime.date.fromisoformat(meta["adopted_on"]) if meta.get("adopted_on") else None
        ),
        "source_document": meta["source_document"],
        "source_url": meta.get("source_url", ""),
        "item_label": meta["item_label"],
        "description": meta.get("description", ""),
        "assessable": meta["assessable"],
        "language": meta["language"],
        "notes": meta.get("notes", ""),
        "translations": meta.get("translations", {}),
    }


def _write_framework(data: dict, report: ImportReport) -> Framework:
    meta = data["framework"]
    framework = Framework.objects.filter(slug=meta["slug"], version=meta["version"]).first()
    framework = framework or Framework(slug=meta["slug"], version=meta["version"])
    _sync(framework, _framework_values(meta), f"framework {meta['slug']} {meta['version']}", report)

    tags = {}
    for tag in data.get("tags", []):
        obj = Tag.objects.filter(slug=tag["slug"]).first() or Tag(slug=tag["slug"])
        values = {"name": tag["name"], "translations": tag.get("translations", {})}
        _sync(obj, values, f"tag {tag['slug']}", report)
        tags[tag["slug"]] = obj

    existing_sections = {s.code: s for s in framework.sections.all()}
    sections = {}
    for order, section in enumerate(data["sections"]):
        obj = existing_sections.pop(section["code"], None) or Section(
            framework=framework, code=section["code"]
        )
        parent = sections[section["parent"]] if section.get("parent") else None
        values = {
            "title": section["title"],
            "parent": parent,
            "order": order,
            "assessable": section.get("assessable", True),
            "translations": section.get("translations", {}),
        }
        _sync(obj, values, f"section {section['code']}", report)
        sections[section["code"]] = obj

    existing_principles = {p.code: p for p in framework.principles.prefetch_related("tags")}
    written = {}
    for order, item in enumerate(data["principles"]):
        obj = existing_principles.pop(item["code"], None) or Principle(
            framework=framework, code=item["code"]
        )
        values = {
            "section": sections[item["section"]],
            "number": item["number"],
            "title": item["title"],
            "text": item["text"],
            "order": order,
            "parent": written[item["parent"]] if item.get("parent") else None,
            "withdrawn": item.get("withdrawn", False),
            "assessable": item.get("assessable", not item.get("withdrawn", False)),
            "notes": item.get("notes", ""),
            "translations": item.get("translations", {}),
        }
        before = len(report.changed) + len(report.created)
        _sync(obj, values, f"principle {item['code']}", report)
        written[item["code"]] = obj
        wanted = set(item.get("tags", []))
        if {t.slug for t in obj.tags.all()} != wanted:
            obj.tags.set([tags[slug] for slug in wanted])
            if len(report.changed) + len(report.created) == before:
                report.unchanged -= 1
                report.changed.append(f"principle {item['code']} (tags)")

    for principle in existing_principles.values():
        report.deleted.append(f"principle {principle.code}")
        principle.delete()
    # Children before parents, so each deletion leaves a consistent tree behind.
    for section in sorted(existing_sections.values(), key=lambda s: -s.order):
        report.deleted.append(f"section {section.code}")
        section.delete()
    return framework


def _write_crosswalk(data: dict, report: ImportReport) -> None:
    problems = []
    principles = {}
    removed = data.get("removed", [])
    for i, mapping in enumerate(data["mappings"]):
        for end in ("source", "target"):
            key = principle_key(mapping[end])
            if key in principles:
                continue
            try:
                principles[key] = Principle.objects.get_by_natural_key(*key)
            except Principle.DoesNotExist:
                principles[key] = None
                problems.append(
                    Problem(
                        f"mappings[{i}].{end}",
                        _(
                            "no principle %(code)s in framework %(framework)s version "
                            "%(version)s: import that framework first"
                        )
                        % {"code": key[2], "framework": key[0], "version": key[1]},
                    )
                )
    if problems:
        raise LibraryFileError(problems)
    for mapping in data["mappings"]:
        source = principles[principle_key(mapping["source"])]
        target = principles[principle_key(mapping["target"])]
        obj = CrossReference.objects.filter(source=source, target=target).first()
        obj = obj or CrossReference(source=source, target=target)
        review = mapping.get("review", {})
        values = {
            "relationship": mapping["relationship"],
            "strength": mapping["strength"],
            "rationale": mapping["rationale"],
            "review_verdict": review.get("verdict", ""),
            "review_note": review.get("note", ""),
            "reviewed_on": (datetime.date.fromisoformat(review["reviewed_on"]) if review else None),
        }
        _sync(obj, values, f"{source.code} {mapping['relationship']} {target.code}", report)
    # A link a review removed goes, if an earlier import brought it in.
    for mapping in removed:
        ends = [
            Principle.objects.filter(**_principle_lookup(mapping[e])).first()
            for e in ("source", "target")
        ]
        if None in ends:
            continue
        for obj in CrossReference.objects.filter(source=ends[0], target=ends[1]):
            report.deleted.append(f"{obj} (removed by review)")
            obj.delete()


def _principle_lookup(ref: dict) -> dict:
    return {
        "framework__slug": ref["framework"],
        "framework__version": ref["version"],
        "code": ref["code"],
    }


def library_file_import(*, content: bytes, dry_run: bool = False) -> ImportReport:
    """Check a framework or crosswalk file and import it in one transaction.

    Raises LibraryFileError (nothing written) when the file is invalid, names unknown
    principles, or would change a framework version that already has assessments.
    """
    data = read_library_file(content)
    if data["format"] == FRAMEWORK_FORMAT:
        meta = data["framework"]
        report = ImportReport(f"Framework {meta['slug']} version {meta['version']}")
    else:
        assert data["format"] == CROSSWALK_FORMAT
        report = ImportReport(f"Crosswalk of {len(data['mappings'])} mappings")
    report.dry_run = dry_run
    try:
        with transaction.atomic():
            if data["format"] == FRAMEWORK_FORMAT:
                framework = _write_framework(data, report)
                _refuse_changes_to_assessed(framework, report)
            else:
                _write_crosswalk(data, report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _refuse_changes_to_assessed(framework: Framework, report: ImportReport) -> None:
    count = framework.assessments.count() if report.has_changes else 0
    if count:
        raise LibraryFileError(
            [
                Problem(
                    "framework.version",
                    ngettext(
                        "framework %(slug)s version %(version)s already has %(count)s "
                        "assessment and is never changed in place. Publish the revision as "
                        "a new version: change framework.version (for example to "
                        "“%(version)s.1”) and import the file again.",
                        "framework %(slug)s version %(version)s already has %(count)s "
                        "assessments and is never changed in place. Publish the revision as "
                        "a new version: change framework.version (for example to "
                        "“%(version)s.1”) and import the file again.",
                        count,
                    )
                    % {"slug": framework.slug, "version": framework.version, "count": count},
                )
            ]
        )
