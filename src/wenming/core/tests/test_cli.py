"""`wenming serve`: its own gunicorn control socket per instance, and no migrating in production."""

import subprocess
import sys

import pytest

from wenming import cli
from wenming.core.tests.test_data_keys import production_environment


def test_two_instances_on_one_machine_have_their_own_control_sockets(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = cli.gunicorn_argv("127.0.0.1", "8000", 2, 4)
    second = cli.gunicorn_argv("127.0.0.1", "8001", 2, 4)
    sockets = [argv[argv.index("--control-socket") + 1] for argv in (first, second)]
    assert sockets[0] != sockets[1]
    assert all(s.startswith(str(tmp_path)) for s in sockets)
    assert first[first.index("--bind") + 1] == "127.0.0.1:8000"


@pytest.mark.django_db
def test_a_migrated_database_has_nothing_pending():
    assert cli.pending_migrations() == []


def test_production_serve_refuses_an_unmigrated_database_instead_of_migrating_it(tmp_path):
    run = subprocess.run([sys.executable, "-m", "wenming.cli", "serve", "--port", "8799"],
                         env=production_environment(tmp_path), capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "run `wenming migrate` first" in run.stderr
    assert not (tmp_path / "wenming.sqlite3").exists() or "django_migrations" not in _tables(tmp_path)


def _tables(var_dir) -> str:
    import sqlite3

    with sqlite3.connect(var_dir / "wenming.sqlite3") as db:
        return " ".join(r[0] for r in db.execute("SELECT name FROM sqlite_master"))


@pytest.mark.parametrize("argv, production, started", [([], False, True), (["--no-worker"], False, False),
                                                        ([], True, False)])
def test_serve_starts_the_worker_beside_it_except_in_production_or_when_told_not_to(monkeypatch, settings, argv,
                                                                                     production, started):
    import gunicorn.app.wsgiapp

    calls = []
    settings.PRODUCTION = production
    monkeypatch.setattr(cli, "pending_migrations", lambda: [])
    monkeypatch.setattr(cli, "_django", lambda args: None)
    monkeypatch.setattr(cli, "_start_worker", lambda: calls.append("worker"))
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: calls.append("gunicorn"))
    monkeypatch.setattr(sys, "argv", ["wenming"])
    cli.serve(["--port", "8798", *argv])
    assert calls == (["worker", "gunicorn"] if started else ["gunicorn"])
