"""`wenming`: the one console command an operator needs.

  wenming serve [--host H] [--port P] [--workers N]   migrate, collect static files, serve with gunicorn
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


def serve(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="wenming serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 4)))
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    if not args.no_migrate:
        _django(["migrate", "--noinput", "-v", "0"])
    _django(["collectstatic", "--noinput", "-v", "0"])
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "wenming.wsgi:application", "--bind", f"{args.host}:{args.port}",
                "--workers", str(args.workers), "--threads", str(args.threads), "--access-logfile", "-",
                "--timeout", "60"]
    print(f"文明实践云平台已启动： http://{args.host}:{args.port}/", flush=True)
    run()


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
