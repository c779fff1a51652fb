"""Hostile import files are refused fast, in bounded memory, with a clear message, and write
nothing; real large files still load fast. Through the command (in a process of its own, with
a memory ceiling) and through the admin's "Import from file"."""

import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ctframework.safe_parsing import LIMITS, UnsafeFile, load_json_or_yaml, open_zip
from principles.models import Framework
from tests.principles.test_import_framework import GOOD

pytestmark = [pytest.mark.core]

NIST_REV4 = Path(__file__).parents[1] / "data" / "oscal" / "NIST_SP-800-53_rev4_catalog-min.json"


def alias_bomb() -> bytes:
    """Nine levels of nine aliases each: 342 bytes that would expand to 9^9 strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def deep_json(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def deep_yaml(depth: int) -> bytes:
    return ("format: " + "[" * depth + "]" * depth + "\n").encode()


HOSTILE = {
    "yaml alias bomb": (alias_bomb(), "YAML anchors and aliases (& and *) are not accepted."),
    "50,000-deep JSON": (deep_json(50_000), "nested more than 64 levels deep"),
    "deep YAML": (deep_yaml(500), "nested more than 64 levels deep"),
    "deeper YAML than libyaml takes": (deep_yaml(5_000), "nested more than 64 levels deep"),
    "a million and one values": (
        b"[" + b",".join([b"0"] * (LIMITS.max_values + 1)) + b"]",
        "more than 1,000,000 values",
    ),
    "a 200,000-character text": (
        json.dumps({"format": "x" * 200_000}).encode(),
        "200,000 characters long; the limit is 100,000",
    ),
}


def test_the_alias_bomb_is_a_few_hundred_bytes():
    assert len(alias_bomb()) == 342


@pytest.mark.parametrize("name", list(HOSTILE))
def test_parsing_refuses_quickly_in_bounded_memory(name):
    content, message = HOSTILE[name]
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(UnsafeFile) as refused:
        load_json_or_yaml(content)
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert message in str(refused.value)
    assert elapsed < 30, elapsed  # unbounded, the alias bomb ran for minutes (tracemalloc slows)
    assert peak < 200 * 1024 * 1024, peak


@pytest.mark.parametrize("name", ["yaml alias bomb", "50,000-deep JSON"])
def test_the_command_refuses_within_a_memory_ceiling(tmp_path, name):
    """A real process, capped at 1 GiB of address space and 60 seconds: before these limits
    the alias bomb grew to 3.2 GB in 120 s."""
    content, message = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "import_framework", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=cap_memory,  # noqa: PLW1509 (no threads here)
    )
    assert done.returncode == 1, done.stderr
    assert message in done.stderr
    assert "nothing was imported" in done.stderr
    assert time.monotonic() - started < 30


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_admin_page_refuses_each_with_its_message(client, admin_user, name):
    content, message = HOSTILE[name]
    client.force_login(admin_user)
    tracemalloc.start()
    started = time.monotonic()
    response = client.post(
        reverse("admin:principles_framework_import"),
        {"file": SimpleUploadedFile("set.yaml", content), "dry_run": "on"},
    )
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&amp;", "&")
    assert "nothing was imported" in html
    assert not Framework.objects.exists()
    assert elapsed < 10 and peak < 300 * 1024 * 1024, (elapsed, peak)


def test_real_large_files_are_within_the_limits():
    """NIST SP 800-53 rev 4 as OSCAL JSON: 2.7 MB, 92,000 values, 21 levels deep."""
    started = time.monotonic()
    data, _text = load_json_or_yaml(NIST_REV4.read_bytes())
    assert time.monotonic() - started < 2
    assert data["catalog"]["metadata"]["title"].startswith("NIST Special Publication 800-53")
    # 32 levels and 5,000 items are admitted, as a YAML file too.
    nested = "x: " + "[" * 32 + "1" + "]" * 32 + "\n"
    load_json_or_yaml(nested.encode())
    many = "items:\n" + "".join(f"  - {{code: P-{i}, text: Principle {i}}}\n" for i in range(5000))
    assert len(load_json_or_yaml(many.encode())[0]["items"]) == 5000


@pytest.mark.django_db
def test_a_5000_item_set_imports(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    data = dict(GOOD)
    data["principles"] = [
        {
            "code": f"NC-{i}",
            "number": str(i),
            "section": "general",
            "title": f"Item {i}",
            "text": f"Text of item {i}.",
        }
        for i in range(1, 5001)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data))
    started = time.monotonic()
    call_command("import_framework", str(path), "--dry-run", stdout=StringIO())
    assert time.monotonic() - started < 60


def zip_of(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory():
    bomb = zip_of({"word/document.xml": b"\0" * (300 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(UnsafeFile, match="may be a zip bomb"):
        open_zip(bomb)
    fine = zip_of({"word/document.xml": b"<w:document>" + b"text " * 1000 + b"</w:document>"})
    assert open_zip(fine).namelist() == ["word/document.xml"]
