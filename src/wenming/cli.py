"""`wenming`: the one console command an operator needs.

  wenming serve [--host H] [--port P] [--workers N]   collect static files, serve with gunicorn (migrating
                [--no-worker]                          first when migrations are pending, except in production),
                                                       with the task queue's worker beside it (not in production,
                                                       where the worker is a service of its own)
  wenming migrate                                      apply database migrations
  wenming demo [--scale full] [--reset]                build the Bazhou-shaped demo district
  wenming jobs [NAME ...]                              run periodic jobs once now (all when none named)
  wenming worker                                       run the task queue with its periodic scheduler
  wenming <django command> ...                         anything else goes to Django's manage
"""

import os
import sys


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wenming", *argv])


def pending_migrations() -> list[str]:
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


def gunicorn_argv(host: str, port: str, workers: int, threads: int) -> list[str]:
    from django.conf import settings

    # gunicorn's control socket defaults to one path per user: a second instance on the same
    # machine would take over the first's. One per address, next to the instance's data.
    control = settings.VAR_DIR / f"gunicorn-{host}-{port}.ctl".replace(":", "_")
    return ["gunicorn", "wenming.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--threads", str(threads), "--access-logfile", "-", "--timeout", "60", "--control-socket", str(control)]


def serve(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="wenming serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 4)))
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--no-worker", action="store_true",
                        help="do not start the task queue's worker beside the web server")
    args = parser.parse_args(argv)
    from django.conf import settings

    pending = [] if args.no_migrate else pending_migrations()
    if pending and settings.PRODUCTION:
        # several instances starting at once would race to migrate; in production the operator
        # migrates once, before starting them (docs/SECURITY.md, "Deploying")
        sys.exit(f"wenming serve: {len(pending)} migrations are not applied ({', '.join(pending[:3])}…); "
                 "run `wenming migrate` first")
    if pending:
        _django(["migrate", "--noinput", "-v", "0"])
    _django(["collectstatic", "--noinput", "-v", "0"])
    from gunicorn.app.wsgiapp import run

    if not (args.no_worker or settings.PRODUCTION):
        _start_worker()
    sys.argv = gunicorn_argv(args.host, args.port, args.workers, args.threads)
    print(f"文明实践云平台已启动： http://{args.host}:{args.port}/", flush=True)
    run()


def _start_worker() -> None:
    """One command runs the demo: the worker delivers notices (the outbox) and runs the periodic
    jobs beside the web server, and stops with it."""
    import atexit
    import subprocess

    worker = subprocess.Popen([sys.executable, "-m", "wenming.cli", "worker"])
    atexit.register(worker.terminate)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        serve(rest)
    elif command == "worker":
        _django(["run_huey", *rest])
    elif command == "jobs":
        _django(["run_jobs", *rest])
    else:
        _django([command, *rest])


if __name__ == "__main__":
    main()
