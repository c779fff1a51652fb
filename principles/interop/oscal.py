"""OSCAL catalogs: a framework version written as an OSCAL 1.2 catalog, and an OSCAL catalog
(1.1 or 1.2) read as a framework file (docs/oscal.md).

Both directions work on the data of the library file format (principles/exporting.py writes
it, principles/library_files.py checks it), so an OSCAL import goes through exactly the
checks and the writes of any other import. What OSCAL has no field for (the set's slug and
kind, tags, translations, a section's or an item's code when it is not an OSCAL token, the
not-assessable mark) travels as props in the CT Framework namespace, so that a set exported
and imported back is the same set.
"""

import datetime
import json
import re
import uuid

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

OSCAL_VERSION = "1.2.1"
NS = "https://github.com/ct-framework/oscal-ns"
_UUIDS = uuid.UUID("4f1c6a7e-2b0d-5c3a-9e8f-6d2b1a0c9e71")
_TOKEN = re.compile(r"^[^\W\d][\w.\-]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")
MAX_PARAMETER_TEXT = 2000  # a parameter written in, at most
_META_PROPS = ("slug", "short_title", "kind", "item_label", "assessable", "language")


def is_catalog(data) -> bool:
    """Whether parsed file data is an OSCAL catalog (its top-level key is `catalog`)."""
    return isinstance(data, dict) and isinstance(data.get("catalog"), dict)


def is_mapping_collection(data) -> bool:
    """Whether parsed file data is an OSCAL mapping collection."""
    return isinstance(data, dict) and isinstance(data.get("mapping-collection"), dict)


# Export ------------------------------------------------------------------------------------


def catalog(data: dict, *, last_modified: datetime.datetime | None = None) -> dict:
    """The OSCAL catalog of a framework file's data (principles.exporting.framework_data)."""
    meta = data["framework"]
    slug, version = meta["slug"], meta["version"]
    party = stable_uuid("party", meta["issuing_body"])
    props = [ns_prop(name.replace("_", "-"), meta[name]) for name in _META_PROPS]
    props.append(ns_prop("source-document", meta["source_document"]))
    if meta.get("notes"):
        # A prop's value is one line: free text travels JSON-encoded.
        props.append(ns_prop("notes", json.dumps(meta["notes"], ensure_ascii=False)))
    if meta.get("translations"):
        props.append(ns_prop("translations", meta["translations"]))
    if data.get("tags"):
        props.append(ns_prop("tags", data["tags"]))
    metadata = {
        "title": meta["title"],
        "last-modified": oscal_datetime(last_modified or timezone.now()),
        "version": version,
        "oscal-version": OSCAL_VERSION,
        "props": props,
        "roles": [{"id": "creator", "title": "Document creator"}],
        "parties": [{"uuid": party, "type": "organization", "name": meta["issuing_body"]}],
        "responsible-parties": [{"role-id": "creator", "party-uuids": [party]}],
    }
    if meta.get("adopted_on"):
        metadata["published"] = f"{meta['adopted_on']}T00:00:00Z"
    if meta.get("description"):
        metadata["remarks"] = meta["description"]
    source = {"uuid": stable_uuid("source", slug, version), "title": meta["source_document"]}
    if meta.get("source_url"):
        source["rlinks"] = [{"href": meta["source_url"]}]
        metadata["links"] = [{"href": f"#{source['uuid']}", "rel": "canonical"}]

    children: dict[str | None, list[dict]] = {}
    for item in data["principles"]:
        children.setdefault(item.get("parent"), []).append(item)

    def control(item: dict) -> dict:
        entry = {"id": oscal_id(item["code"]), "title": item["title"]}
        entry["props"] = [{"name": "label", "value": item["number"]}]
        if entry["id"] != item["code"]:
            entry["props"].append(ns_prop("code", item["code"]))
        entry["props"] += [ns_prop("tag", tag) for tag in item.get("tags", [])]
        if item.get("withdrawn"):
            entry["props"].append({"name": "status", "value": "withdrawn"})
        elif item.get("assessable") is False:
            entry["props"].append(ns_prop("assessable", False))
        if item.get("translations"):
            entry["props"].append(ns_prop("translations", item["translations"]))
        entry["parts"] = [{"id": f"{entry['id']}_smt", "name": "statement", "prose": item["text"]}]
        if item.get("notes"):
            entry["parts"].append(
                {"id": f"{entry['id']}_gdn", "name": "guidance", "prose": item["notes"]}
            )
        if below := children.get(item["code"]):
            entry["controls"] = [control(child) for child in below]
        return entry

    top = children.get(None, [])
    groups: dict[str | None, list[dict]] = {}
    for section in data["sections"]:
        group = {"id": oscal_id(section["code"]), "title": section["title"]}
        props = []
        if group["id"] != section["code"]:
            props.append(ns_prop("code", section["code"]))
        if section.get("assessable") is False:
            props.append(ns_prop("assessable", False))
        if section.get("translations"):
            props.append(ns_prop("translations", section["translations"]))
        if props:
            group["props"] = props
        controls = [control(item) for item in top if item["section"] == section["code"]]
        if controls:
            group["controls"] = controls
        groups.setdefault(section.get("parent"), []).append((section["code"], group))

    def nest(parent):
        found = []
        for code, group in groups.get(parent, []):
            if below := nest(code):
                if "controls" in group:
                    # OSCAL 1.2 gives a group controls or groups, not both: the section's own
                    # items go first, in a group marked as holding them.
                    own = {
                        "id": f"{group['id']}_items",
                        "title": group["title"],
                        "props": [ns_prop("items-of", code)],
                        "controls": group.pop("controls"),
                    }
                    below.insert(0, own)
                group["groups"] = below
            found.append(group)
        return found

    return {
        "catalog": {
            "uuid": stable_uuid("catalog", slug, version),
            "metadata": metadata,
            "groups": nest(None),
            "back-matter": {"resources": [source]},
        }
    }


def mapping_collection(data: dict, *, last_modified: datetime.datetime | None = None) -> dict:
    """The OSCAL mapping collection of a crosswalk file's data (exporting.crosswalk_data):
    one mapping per pair of framework versions, one map per link with its relationship as
    it is and its rationale as remarks; strength and review records as CT Framework props."""
    pairs: dict[tuple, list[dict]] = {}
    for link in data["mappings"]:
        source, target = link["source"], link["target"]
        key = ((source["framework"], source["version"]), (target["framework"], target["version"]))
        pairs.setdefault(key, []).append(link)
    resources = {}

    def resource(slug: str, version: str) -> dict:
        if (slug, version) not in resources:
            resources[(slug, version)] = {
                "uuid": stable_uuid("resource", slug, version),
                "title": f"{slug} {version}",
                "props": [
                    ns_prop("slug", slug),
                    ns_prop("version", version),
                    ns_prop("catalog-uuid", stable_uuid("catalog", slug, version)),
                ],
            }
        return {"type": "catalog", "href": f"#{resources[(slug, version)]['uuid']}"}

    mappings = []
    for (source, target), links in pairs.items():
        maps = []
        for link in links:
            props = [ns_prop("strength", str(link["strength"]))]
            if review := link.get("review"):
                props.append(ns_prop("review-verdict", review["verdict"]))
                if review.get("note"):
                    props.append(ns_prop("review-note", review["note"]))
                if review.get("reviewed_on"):
                    props.append(ns_prop("reviewed-on", str(review["reviewed_on"])))
            maps.append(
                {
                    "uuid": stable_uuid("map", *link["source"].values(), *link["target"].values()),
                    "relationship": link["relationship"],
                    "sources": [{"type": "control", "id-ref": oscal_id(link["source"]["code"])}],
                    "targets": [{"type": "control", "id-ref": oscal_id(link["target"]["code"])}],
                    "props": props,
                    "remarks": link["rationale"],
                }
            )
        mappings.append(
            {
                "uuid": stable_uuid("mapping", *source, *target),
                "source-resource": resource(*source),
                "target-resource": resource(*target),
                "maps": maps,
            }
        )
    first = next(iter(pairs), (("crosswalk", "1"),))[0]
    return {
        "mapping-collection": {
            "uuid": stable_uuid("mapping-collection", *first),
            "metadata": {
                "title": f"Crosswalk from {first[0]} {first[1]}",
                "last-modified": oscal_datetime(last_modified or timezone.now()),
                "version": first[1],
                "oscal-version": OSCAL_VERSION,
            },
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "complete",
                "mapping-description": "Links between the items of principle sets, with "
                "their relationship and rationale, as reviewed in CT Framework.",
            },
            "mappings": mappings,
            "back-matter": {"resources": list(resources.values())},
        }
    }


def ns_prop(name: str, value) -> dict:
    """A prop in the CT Framework namespace; booleans as true/false, other non-text as JSON."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return {"name": name, "ns": NS, "value": value}


def oscal_id(code: str) -> str:
    """An OSCAL id for a code: tokens cannot start with a digit ("1" becomes "_1")."""
    return code if _TOKEN.match(code) else f"_{code}"


def stable_uuid(*parts: str) -> str:
    """The same UUID for the same thing on every export, so that exports diff cleanly."""
    return str(uuid.uuid5(_UUIDS, "\x1f".join(parts)))


def oscal_datetime(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Import ------------------------------------------------------------------------------------


class CatalogProblem(Exception):
    """A catalog that cannot be read as a framework; `problems` are (place, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


def framework_file(document: dict) -> tuple[dict, dict[str, str]]:
    """The library file data of an OSCAL catalog, and for each converted entry
    (`principles[3]`, `sections[1]`) the place in the catalog it came from, so that a problem
    found by the library checks can be reported where it is in the OSCAL file."""
    source = document["catalog"]
    meta = source.get("metadata") or {}
    mine = _own_props(meta.get("props", []))
    params = {}
    problems: list[tuple[str, str]] = []
    places: dict[str, str] = {"framework": "catalog.metadata"}

    def collect(controls):
        for found in controls or []:
            params.update({p["id"]: p for p in found.get("params", []) if "id" in p})
            collect(found.get("controls"))

    def each_group(groups):
        for group in groups or []:
            yield group
            yield from each_group(group.get("groups"))

    collect(source.get("controls"))
    for group in each_group(source.get("groups")):
        collect(group.get("controls"))

    title = str(meta.get("title") or "Untitled catalog")
    framework = {
        "slug": mine.get("slug") or _slug(title),
        "version": str(meta.get("version") or "1"),
        "title": title[:500],
        "short_title": mine.get("short-title") or title[:100],
        "issuing_body": _issuer(meta) or title[:100],
        "kind": mine.get("kind") or "control-catalogue",
        "source_document": mine.get("source-document") or title[:500],
        "item_label": mine.get("item-label") or "control",
        "assessable": mine.get("assessable", "true") != "false",
        "language": mine.get("language") or "en",
    }
    if published := meta.get("published"):
        framework["adopted_on"] = str(published)[:10]
    if url := _source_url(meta, source.get("back-matter") or {}):
        framework["source_url"] = url
    if meta.get("remarks"):
        framework["description"] = str(meta["remarks"])
    if mine.get("notes"):
        framework["notes"] = _json(mine["notes"], "catalog.metadata.props", problems)
    if "translations" in mine:
        framework["translations"] = _json(mine["translations"], "metadata.props", problems)

    sections, principles = [], []

    def read_controls(controls, section: str, parent: str | None, where: str):
        for index, found in enumerate(controls or []):
            place = f"{where}.controls[{index}] (control {found.get('id', '?')})"
            own = _own_props(found.get("props", []))
            code = own.get("code") or _code(str(found.get("id", "")), place, problems)
            places[f"principles[{len(principles)}]"] = place
            item = {
                "code": code,
                "number": _prop(found, "label") or str(found.get("id", "")),
                "section": section,
                "title": str(found.get("title", "")),
                "text": _statement(found, params) or str(found.get("title", "")),
            }
            if parent:
                item["parent"] = parent
            tags = [p["value"] for p in found.get("props", []) if _is_own(p, "tag")]
            if tags:
                item["tags"] = tags
            if (_prop(found, "status") or "").lower() == "withdrawn":
                item["withdrawn"] = True
            elif own.get("assessable") == "false":
                item["assessable"] = False
            if notes := _guidance(found, params):
                item["notes"] = notes
            if "translations" in own:
                item["translations"] = _json(own["translations"], place, problems)
            principles.append(item)
            read_controls(found.get("controls"), section, code, place)

    def read_groups(groups, parent: str | None, where: str):
        for index, group in enumerate(groups or []):
            place = f"{where}.groups[{index}] (group {group.get('id', '?')})"
            own = _own_props(group.get("props", []))
            if parent and own.get("items-of") == parent:
                # The items of the enclosing section (see catalog()).
                read_controls(group.get("controls"), parent, None, place)
                continue
            code = own.get("code") or _code(str(group.get("id", "")), place, problems)
            places[f"sections[{len(sections)}]"] = place
            section = {"code": code, "title": str(group.get("title", ""))}
            if parent:
                section["parent"] = parent
            if own.get("assessable") == "false":
                section["assessable"] = False
            if "translations" in own:
                section["translations"] = _json(own["translations"], place, problems)
            sections.append(section)
            read_controls(group.get("controls"), code, None, place)
            read_groups(group.get("groups"), code, place)

    if source.get("controls"):
        # Controls outside any group: a section of their own.
        sections.append({"code": "controls", "title": "Controls"})
        read_controls(source["controls"], "controls", None, "catalog")
    read_groups(source.get("groups"), None, "catalog")
    if problems:
        raise CatalogProblem(problems)
    data = {"format": "ctframework.framework/2", "framework": framework}
    if "tags" in mine:
        data["tags"] = _json(mine["tags"], "metadata.props", problems)
    data["sections"] = sections
    data["principles"] = principles
    if problems:
        raise CatalogProblem(problems)
    return data, places


def crosswalk_file(document: dict) -> dict:
    """The crosswalk file data of an OSCAL mapping collection whose resources name CT
    Framework sets (the slug and version props mapping_collection writes)."""
    source = document["mapping-collection"]
    back_matter = source.get("back-matter") or {}
    resources = {
        f"#{r.get('uuid')}": _own_props(r.get("props", []))
        for r in back_matter.get("resources", [])
    }
    problems, mappings = [], []

    def framework_of(reference: dict, place: str) -> tuple[str, str] | None:
        own = resources.get((reference or {}).get("href", ""), {})
        if own.get("slug") and own.get("version"):
            return own["slug"], own["version"]
        problems.append(
            (
                place,
                _(
                    "names no principle set of CT Framework (a back-matter resource with the "
                    "slug and version props)"
                ),
            )
        )
        return None

    for index, mapping in enumerate(source.get("mappings") or []):
        place = f"mapping-collection.mappings[{index}]"
        source_set = framework_of(mapping.get("source-resource"), f"{place}.source-resource")
        target_set = framework_of(mapping.get("target-resource"), f"{place}.target-resource")
        if source_set is None or target_set is None:
            continue
        for number, found in enumerate(mapping.get("maps") or []):
            where = f"{place}.maps[{number}]"
            own = _own_props(found.get("props", []))
            pairs = [(s, t) for s in found.get("sources", []) for t in found.get("targets", [])]
            if len(pairs) != 1:
                problems.append((where, _("a map must have one source and one target")))
                continue
            ((one, other),) = pairs
            link = {
                "source": _reference(source_set, one),
                "target": _reference(target_set, other),
                "relationship": found.get("relationship", ""),
                "strength": int(own["strength"]) if own.get("strength", "").isdigit() else 2,
                "rationale": str(found.get("remarks") or ""),
            }
            if own.get("review-verdict"):
                link["review"] = {"verdict": own["review-verdict"]}
                if own.get("review-note"):
                    link["review"]["note"] = own["review-note"]
                if own.get("reviewed-on"):
                    link["review"]["reviewed_on"] = own["reviewed-on"]
            mappings.append(link)
    if problems:
        raise CatalogProblem(problems)
    return {"format": "ctframework.crosswalk/2", "mappings": mappings}


def _reference(framework: tuple[str, str], item: dict) -> dict:
    return {
        "framework": framework[0],
        "version": framework[1],
        "code": str(item.get("id-ref", "")).lstrip("_"),
    }


def _is_own(prop: dict, name: str) -> bool:
    return prop.get("ns") == NS and prop.get("name") == name


def _own_props(props: list[dict]) -> dict[str, str]:
    return {p["name"]: p.get("value", "") for p in props if p.get("ns") == NS and "name" in p}


def _prop(entry: dict, name: str) -> str | None:
    """The value of a prop in OSCAL's own namespace (no `ns`)."""
    props = entry.get("props", [])
    return next((p.get("value") for p in props if p.get("name") == name and not p.get("ns")), None)


def _json(value: str, place: str, problems: list) -> dict | list:
    try:
        return json.loads(value)
    except ValueError:
        problems.append((place, _("a CT Framework prop does not hold valid JSON")))
        return {}


def _code(token: str, place: str, problems: list) -> str:
    """A code of the library format for an OSCAL id (a leading underscore is dropped)."""
    code = token.lstrip("_")
    if not _CODE.match(code) or len(code) > 50:
        problems.append(
            (
                place,
                _("the id %(id)r cannot be a code (letters, digits, '.', '-', '_')")
                % {"id": token},
            )
        )
    return code


def _slug(title: str) -> str:
    slug = slugify(title)[:100].rstrip("-")
    return slug or "oscal-catalog"


def _issuer(meta: dict) -> str | None:
    parties = {p.get("uuid"): p.get("name") for p in meta.get("parties", [])}
    for responsible in meta.get("responsible-parties", []):
        if responsible.get("role-id") == "creator":
            for party in responsible.get("party-uuids", []):
                if parties.get(party):
                    return str(parties[party])[:100]
    return next((str(name)[:100] for name in parties.values() if name), None)


def _source_url(meta: dict, back_matter: dict) -> str | None:
    resources = {r.get("uuid"): r for r in back_matter.get("resources", [])}
    for link in meta.get("links", []):
        if link.get("rel") == "canonical":
            href = link.get("href", "")
            resource = resources.get(href[1:]) if href.startswith("#") else None
            if resource is None:
                return href if href.startswith("http") else None
            hrefs = [r.get("href", "") for r in resource.get("rlinks", [])]
            return next((h for h in hrefs if h.startswith("http")), None)
    return None


def _statement(control: dict, params: dict) -> str:
    """The control's statement as text: its prose, then each item on a line of its own after
    its label ("a.", "1."), parameters written in."""
    lines = []

    def walk(part, depth):
        label = _prop(part, "label")
        prose = _render(str(part.get("prose", "")), params)
        text = " ".join(x for x in (label, prose) if x)
        if text:
            lines.append(text)
        for child in part.get("parts", []):
            if child.get("name") == "item":
                walk(child, depth + 1)

    for part in control.get("parts", []):
        if part.get("name") == "statement":
            walk(part, 0)
    if not lines and (_prop(control, "status") or "").lower() == "withdrawn":
        into = [
            link["href"].lstrip("#").upper()
            for link in control.get("links", [])
            if link.get("rel") in ("incorporated-into", "moved-to") and link.get("href")
        ]
        lines.append("Withdrawn" + (f": incorporated into {', '.join(into)}." if into else "."))
    return "\n".join(lines)


def _guidance(control: dict, params: dict) -> str:
    texts = []

    def walk(part):
        if part.get("prose"):
            texts.append(_render(str(part["prose"]), params))
        for child in part.get("parts", []):
            walk(child)

    for part in control.get("parts", []):
        if part.get("name") == "guidance":
            walk(part)
    return "\n\n".join(texts)


def _render(prose: str, params: dict) -> str:
    """Prose with each `{{ insert: param, id }}` written in as NIST prints it: its values, a
    selection "[Selection (one or more): a; b]", or an assignment "[Assignment: label]".

    Each parameter is written once and remembered (`params["_written"]`), and one that
    refers back to itself is written as an assignment: a hostile catalog cannot make the
    text grow without end."""
    written = params.setdefault("_written", {})

    def param(match, stack=()):
        name = match.group(1)
        found = params.get(name)
        if not isinstance(found, dict) or name in stack or name == "_written":
            return f"[Assignment: {name}]"
        if name in written:
            return written[name]
        if found.get("values"):
            text = ", ".join(str(v) for v in found["values"])
        elif isinstance(select := found.get("select"), dict):
            choices = "; ".join(
                _INSERT.sub(lambda m: param(m, (*stack, name)), str(choice))
                for choice in select.get("choice", [])
            )
            many = " (one or more)" if select.get("how-many") == "one-or-more" else ""
            text = f"[Selection{many}: {choices}]"
        else:
            text = f"[Assignment: {found.get('label') or name}]"
        written[name] = text[:MAX_PARAMETER_TEXT]
        return written[name]

    return _INSERT.sub(param, prose)
