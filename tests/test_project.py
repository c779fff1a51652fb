"""Project-wide invariants: migrations are complete, the compose file describes the stack, and
the Makefile, .ci/run and the Dockerfile install the Debian packages of one list."""

import os
import re
import shutil
import subprocess
import tomllib
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_LIST = "system-packages.txt"
SCRIPT = "scripts/system-packages.sh"


@pytest.mark.core
@pytest.mark.django_db
def test_no_migrations_are_pending():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.core
def test_compose_file_runs_the_full_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    for name in ("web", "worker", "beat"):
        service = services[name]
        env = service["environment"]
        assert env["CTF_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
        assert "SECRET_KEY" in env
        assert set(service["depends_on"]) == {"db", "redis"}
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "ctframework"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


@pytest.mark.core
def test_compose_runs_the_periodic_jobs_beside_the_worker():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    beat, worker = services["beat"], services["worker"]
    command = beat["command"]
    assert command[:4] == ["celery", "-A", "ctframework", "beat"]
    # The schedule file goes where the image's user may write.
    schedule = command[command.index("--schedule") + 1]
    assert schedule.startswith("/app/var/")
    assert beat["environment"] == worker["environment"]
    assert beat["depends_on"] == worker["depends_on"]
    assert beat.get("build") == worker.get("build")


@pytest.mark.core
def test_compose_checks_the_health_of_web_and_worker():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    web = services["web"]["healthcheck"]
    # No curl in the slim image: Python asks /healthz.
    assert web["test"][:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in web["test"][3]
    compile(web["test"][3], "healthcheck", "exec")
    worker = services["worker"]["healthcheck"]
    assert worker["test"][0] == "CMD-SHELL"
    assert "celery -A ctframework inspect ping" in worker["test"][1]
    assert "celery@$$HOSTNAME" in worker["test"][1]  # $$: compose leaves $HOSTNAME to the shell
    for check in (web, worker):
        assert {"interval", "timeout", "retries", "start_period"} <= set(check)
    # The tests in tests/ci run both checks for real.


def make_dry_run(target: str) -> str:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    result = subprocess.run(
        ["make", "-n", target], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.mark.core
def test_make_run_installs_what_the_embedded_default_needs_from_the_list():
    lines = make_dry_run("run").splitlines()
    assert lines[0] == f"{SCRIPT} --for 'make run' run"
    assert not any("postgres" in line or "redis" in line for line in lines)


@pytest.mark.core
def test_make_test_installs_every_package_of_the_list_first():
    out = make_dry_run("test")
    # First of all, with the addresses the tests will use (services elsewhere are left alone).
    assert out.startswith("TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/")
    assert out.index(f"{SCRIPT} --for 'make test' all") < out.index("ruff check")
    assert out.index(f"{SCRIPT} --for 'make test' all") < out.index("check_services.py")
    assert out.count(SCRIPT) == 1  # once, however many targets need it


@pytest.mark.core
def test_ci_runs_make_test_and_keeps_no_list_of_its_own():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in ci.splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "exec make test"
    assert "apt-get" not in ci
    assert "chromium" not in ci


@pytest.mark.core
def test_the_script_reads_the_list_at_the_root():
    script = (ROOT / SCRIPT).read_text()
    assert f"list=${{SYSTEM_PACKAGES_FILE:-$root/{PACKAGE_LIST}}}" in script
    assert os.access(ROOT / SCRIPT, os.X_OK)


@pytest.mark.core
def test_the_dockerfile_installs_the_image_packages_of_the_list_before_the_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    pip_install = dockerfile.index("RUN pip install .")
    assert dockerfile.index(f"COPY {PACKAGE_LIST} ") < dockerfile.index(f"COPY {SCRIPT} ")
    listing = dockerfile.index(f'packages="$({SCRIPT} --list image)"')
    install = dockerfile.index("apt-get install -y --no-install-recommends $packages")
    assert dockerfile.index(f"COPY {SCRIPT} ") < listing < install < pip_install
    assert "apt-get install" not in dockerfile[install + 1 :]  # no second list
    # The translation catalogues are compiled in the image.
    assert "python manage.py compilemessages --ignore .venv --ignore var" in dockerfile


@pytest.mark.core
def test_the_dockerfile_copies_every_app_package_before_pip_install():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    apps = {pattern.rstrip("*") for pattern in patterns}
    dockerfile = (ROOT / "Dockerfile").read_text()
    before_install = dockerfile[: dockerfile.index("RUN pip install .")]
    copied = set(re.findall(r"^COPY (\w+) \1$", before_install, flags=re.MULTILINE))
    assert apps == copied
