"""system-packages.txt, the one list of Debian packages, and the script that reads it."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIST = ROOT / "system-packages.txt"
SCRIPT = ROOT / "scripts" / "system-packages.sh"
TAGS = {"image", "run", "venv", "test", "service"}
# Debian policy §5.6.1: lower case letters, digits, plus, minus and full stop; two or more.
DEBIAN_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")

PDF = {
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-noto-core",
    "fonts-noto-cjk",
    "fonts-dejavu-core",
    "fonts-hosny-amiri",
}
OCR = {
    "tesseract-ocr",
    *(f"tesseract-ocr-{lang}" for lang in ("eng", "ara", "chi-sim", "fra", "rus", "spa")),
    "ocrmypdf",
}
SERVICES = {"postgresql", "redis-server"}
TEST_ONLY = {"chromium", "poppler-utils"}

pytestmark = pytest.mark.core


def read_list(text: str) -> dict[str, set[str]]:
    """The list as {package: tags}, in its order, read the way the script reads it."""
    packages: dict[str, set[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        name, *tags = words
        assert name not in packages, f"line {number}: {name} listed twice"
        packages[name] = set(tags)
    return packages


def selected(packages: dict[str, set[str]], *tags: str) -> list[str]:
    if "all" in tags:
        return list(packages)
    return [name for name, have in packages.items() if have & set(tags)]


PACKAGES = read_list(LIST.read_text())


def script(*args: str, env: dict | None = None, user: list[str] | None = None):
    command = [*(user or []), str(SCRIPT), *args]
    return subprocess.run(
        command,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def a_list(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "packages.txt"
    path.write_text(text)
    path.chmod(0o644)
    return {"SYSTEM_PACKAGES_FILE": str(path)}


needs_dpkg = pytest.mark.skipif(not shutil.which("dpkg-query"), reason="not a Debian system")


def test_every_line_is_a_debian_package_name_with_known_tags():
    assert PACKAGES
    for name, tags in PACKAGES.items():
        assert DEBIAN_NAME.fullmatch(name), name
        assert tags, f"{name} has no tag"
        assert tags <= TAGS, f"{name}: unknown tags {tags - TAGS}"


def test_the_list_holds_what_the_app_and_its_tests_need():
    needed = PDF | OCR | SERVICES | TEST_ONLY | {"gettext", "python3-venv"}
    assert needed <= set(PACKAGES), needed - set(PACKAGES)


def test_the_runtime_image_gets_the_pdf_ocr_and_translation_packages_only():
    image = set(selected(PACKAGES, "image"))
    assert image == PDF | OCR | {"gettext"}
    assert not image & (SERVICES | TEST_ONLY | {"chromium", "python3-venv"})


def test_make_run_gets_what_the_embedded_default_needs_and_nothing_else():
    """PDF rendering, compiling the catalogues and OCR of scanned strategies: what the image
    has too."""
    assert set(selected(PACKAGES, "run")) == PDF | OCR | {"gettext"}
    assert set(selected(PACKAGES, "image")) >= set(selected(PACKAGES, "run"))


def test_the_services_are_postgresql_and_redis_and_nothing_else_needs_them():
    assert set(selected(PACKAGES, "service")) == SERVICES
    for name in SERVICES:
        assert PACKAGES[name] == {"service"}
    assert set(selected(PACKAGES, "test")) == TEST_ONLY


@pytest.mark.parametrize(
    "tags", [["image"], ["run"], ["venv"], ["test"], ["service"], ["all"], ["run", "test"]]
)
def test_the_script_reads_the_list_the_same_way(tags):
    result = script("--list", *tags)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == selected(PACKAGES, *tags)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Chromium test\n", "'Chromium' is not a Debian package name"),
        ("chromium tset\n", "unknown tag 'tset'"),
        ("# a comment\nchromium\n", ":2: chromium has no tag"),
        ("chromium test\n\nchromium image\n", ":3: chromium is listed twice (also line 1)"),
        ("fake-service service\n", "do not know how to start the service fake-service"),
    ],
)
def test_the_script_refuses_a_malformed_list(tmp_path, text, message):
    result = script("--check", "all", env=a_list(tmp_path, text))
    assert result.returncode == 2
    assert message in result.stderr


def test_the_script_refuses_an_unknown_tag():
    result = script("--list", "fonts")
    assert result.returncode == 2
    assert "unknown tag 'fonts'" in result.stderr


@needs_dpkg
def test_check_reports_a_missing_package_and_installs_nothing(tmp_path):
    # bash is Essential: installed on every Debian system.
    env = a_list(tmp_path, "bash test\nctf-no-such-package test  # not in Debian\n")
    result = script("--check", "--for", "make test", "all", env=env)
    assert result.returncode == 1
    assert "make test: missing Debian packages: ctf-no-such-package\n" in result.stderr
    assert (
        "apt-get update && apt-get install -y --no-install-recommends ctf-no-such-package"
        in result.stderr
    )
    assert "installing" not in result.stderr


@needs_dpkg
def test_check_passes_when_everything_is_installed(tmp_path):
    result = script("--check", "all", env=a_list(tmp_path, "bash test\ncoreutils run\n"))
    assert result.returncode == 0, result.stderr
    assert "nothing missing (2 Debian packages checked)" in result.stderr


@pytest.fixture
def fake_sudo():
    """A directory, readable by anyone, whose `sudo` logs its arguments and exits 0 or 1."""
    with tempfile.TemporaryDirectory(prefix="ctf-sudo-") as directory:
        path = Path(directory)
        path.chmod(0o777)

        def make(exit_code: int) -> tuple[dict[str, str], Path]:
            log = path / "sudo.log"
            sudo = path / "sudo"
            sudo.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexit {exit_code}\n')
            sudo.chmod(0o755)
            return {"PATH": f"{path}:/usr/sbin:/usr/bin:/sbin:/bin"}, log

        yield make


def not_root() -> list[str]:
    """How to run the script as someone who is not root: as nobody when we are root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("needs setpriv to drop root")
    user = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    if subprocess.run([*user, "test", "-x", str(SCRIPT)], check=False).returncode:
        pytest.skip(f"nobody cannot run {SCRIPT}")
    return user


@needs_dpkg
def test_without_root_or_sudo_it_prints_the_apt_command_and_fails(fake_sudo):
    path, log = fake_sudo(1)  # `sudo -n true` fails: sudo would ask for a password
    env = {
        **path,
        "SYSTEM_PACKAGES_FILE": "/dev/null",
        "SYSTEM_PACKAGES_EXTRA": "ctf-no-such-package",
    }
    result = script("--for", "make test", "all", env=env, user=not_root())
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "make test: missing Debian packages: ctf-no-such-package",
        "make test: this user cannot install them (not root, and no sudo without a password)."
        " As root, run:",
        "    apt-get update && apt-get install -y --no-install-recommends ctf-no-such-package",
        "  then run make test again.",
    ]
    assert log.read_text() == "-n true\n"


@needs_dpkg
def test_with_sudo_without_a_password_it_installs_through_sudo(fake_sudo):
    path, log = fake_sudo(0)
    env = {
        **path,
        "SYSTEM_PACKAGES_FILE": "/dev/null",
        "SYSTEM_PACKAGES_EXTRA": "ctf-no-such-package",
    }
    result = script("--for", "make run", "run", env=env, user=not_root())
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [
        "-n true",
        "-n env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "-n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends"
        " ctf-no-such-package",
    ]
    assert "make run: installing the missing Debian packages: ctf-no-such-package" in result.stderr


SERVICES_LIST = "postgresql service\nredis-server service\n"


@needs_dpkg
@pytest.mark.parametrize(
    ("database", "broker"),
    [
        ("postgres://ctf:secret@db.example.org:5432/ctframework", "redis://cache.example.org/0"),
        ("postgres://postgres@127.0.0.1:5433/ctframework", "redis://127.0.0.1:6380/15"),
        ("postgres://postgres@10.0.0.5/ctframework", "redis://:secret@10.0.0.6:6379/0"),
    ],
)
def test_services_on_another_machine_are_neither_installed_nor_started(tmp_path, database, broker):
    env = {
        **a_list(tmp_path, SERVICES_LIST),
        "TEST_DATABASE_URL": database,
        "TEST_BROKER_URL": broker,
    }
    result = script("--for", "make test", "all", env=env)  # not --check: it would act if it could
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("make test: postgresql: the tests use ")
    assert lines[1].startswith("make test: redis-server: the tests use ")
    assert all(line.endswith("neither installing nor starting it here.") for line in lines)
    assert "secret" not in result.stderr


@needs_dpkg
@pytest.mark.parametrize(
    "url",
    [
        "",
        "redis://127.0.0.1:6379/15",
        "redis://localhost/0",
        "redis://[::1]:6379/0",
        "redis://:secret@127.0.0.1:6379/0",
    ],
)
def test_services_on_this_machine_are_ours(tmp_path, url):
    env = {**a_list(tmp_path, "redis-server service\n"), "TEST_BROKER_URL": url}
    result = script("--check", "all", env=env)
    assert "not this machine's" not in result.stderr


def in_new_network(command: str) -> list[str]:
    """Run a shell command as root in a network namespace of its own: nothing answers there."""
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or not unshare:
        pytest.skip("needs root and unshare for a network namespace")
    if subprocess.run([unshare, "-n", "true"], check=False).returncode:
        pytest.skip("cannot make a network namespace here")
    return [unshare, "-n", "bash", "-c", f"ip link set lo up 2>/dev/null; {command}"]


def installed(name: str) -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
    )
    return status.stdout.endswith(" ok installed")


@needs_dpkg
@pytest.mark.skipif(
    not (installed("postgresql") and installed("redis-server")), reason="needs both installed"
)
def test_check_gives_the_commands_that_start_stopped_services(tmp_path):
    env = {**os.environ, **a_list(tmp_path, SERVICES_LIST)}
    result = subprocess.run(
        in_new_network(f"{SCRIPT} --check --for 'make test' all"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    version = sorted(os.listdir("/etc/postgresql"))[0]
    assert result.stderr.splitlines() == [
        "make test: PostgreSQL is installed but not answering; start it, as root:",
        f"    pg_ctlcluster --skip-systemctl-redirect {version} main start",
        "make test: Redis is installed but not answering; start it:",
        "    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
    ]


@needs_dpkg
@pytest.mark.skipif(not installed("redis-server"), reason="needs redis-server installed")
def test_a_stopped_redis_is_started(tmp_path):
    # In a namespace of its own, where the machine's Redis is out of reach; that one is shut
    # down again before the namespace goes.
    env = {**os.environ, **a_list(tmp_path, "redis-server service\n")}
    command = (
        f"{SCRIPT} --for 'make test' all; status=$?;"
        " redis-cli -h 127.0.0.1 -p 6379 ping;"
        " redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1; exit $status"
    )
    result = subprocess.run(
        in_new_network(command),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("make test: starting Redis: redis-server --daemonize yes")
    assert result.stdout.strip() == "PONG"


FAKES = {
    # dpkg-query -W -f=${Status} NAME: installed when the state says so.
    "dpkg-query": 'for name; do :; done\ngrep -qx "$name" "$STATE/installed" || exit 1\n'
    "printf 'install ok installed'\n",
    # apt-get install creates a cluster the way Debian's postgresql package does.
    "apt-get": 'echo "apt-get $*" >> "$STATE/log"\n[ "$1" = update ] && exit 0\n'
    'for name; do case $name in -*|install) ;; *) echo "$name" >> "$STATE/installed"\n'
    '  if [ "$name" = postgresql ] && [ ! -d "$PG_ETC/15" ]; then\n'
    '    mkdir -p "$PG_ETC/15/main" && printf "$HBA" > "$PG_ETC/15/main/pg_hba.conf"; fi;;\n'
    "esac; done\n",
    "pg_isready": '[ -f "$STATE/running" ]\n',
    "pg_ctlcluster": 'echo "pg_ctlcluster $*" >> "$STATE/log"\n'
    'case "$*" in *start) touch "$STATE/running";; esac\n',
    "sudo": '[ "$1" = -n ] && shift\nexec "$@"\n',  # for a runner that is not root
}
DEBIAN_HBA = "local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n"


@pytest.fixture
def pretend_debian(tmp_path):
    """dpkg, apt-get and PostgreSQL's tools played by scripts that keep their state in files."""
    bin_dir, state, pg_etc = tmp_path / "bin", tmp_path / "state", tmp_path / "etc-postgresql"
    bin_dir.mkdir()
    state.mkdir()
    (state / "installed").touch()
    (state / "log").touch()
    for name, body in FAKES.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}")
        (bin_dir / name).chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "STATE": str(state),
        "PG_ETC": str(pg_etc),
        "HBA": DEBIAN_HBA,
        "SYSTEM_PACKAGES_PG_ETC": str(pg_etc),
        **a_list(tmp_path, "postgresql service\n"),
    }
    return env, state, pg_etc / "15" / "main" / "pg_hba.conf"


def test_a_postgresql_it_installs_trusts_postgres_on_loopback_and_is_started(pretend_debian):
    env, state, hba = pretend_debian
    result = script("--for", "make test", "all", env=env)
    assert result.returncode == 0, result.stderr
    assert (state / "log").read_text().splitlines() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends postgresql",
        "pg_ctlcluster --skip-systemctl-redirect 15 main start",
    ]
    assert hba.read_text() == (
        "# added by scripts/system-packages.sh for make test\n"
        "host all postgres 127.0.0.1/32 trust\n"
        "host all postgres ::1/128 trust\n" + DEBIAN_HBA
    )
    # Again: nothing to do.
    again = script("--for", "make test", "all", env=env)
    assert again.returncode == 0, again.stderr
    assert len((state / "log").read_text().splitlines()) == 3
    assert hba.read_text().count("trust") == 2


def test_a_cluster_that_was_there_before_keeps_its_authentication(pretend_debian):
    env, state, hba = pretend_debian
    # Someone installed postgresql-15 and its cluster, but not the postgresql metapackage.
    hba.parent.mkdir(parents=True)
    hba.write_text(DEBIAN_HBA)
    result = script("--for", "make test", "all", env=env)
    assert result.returncode == 0, result.stderr
    assert (state / "log").read_text().splitlines() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends postgresql",
        "pg_ctlcluster --skip-systemctl-redirect 15 main start",
    ]
    assert hba.read_text() == DEBIAN_HBA


def test_a_postgresql_that_answers_is_left_alone_however_it_was_installed(pretend_debian):
    env, state, hba = pretend_debian
    (state / "running").touch()  # served by something else: a container, another package
    result = script("--for", "make test", "all", env=env)
    assert result.returncode == 0, result.stderr
    assert (state / "log").read_text() == ""
    assert not hba.exists()
