"""Personal data under rotating keys: the first data key encrypts, every one decrypts, a value no
key decrypts is an error (never a silent blank), and `rotate_data_key` moves everything to the
current key; production refuses to start without its own keys."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from wenming.core.crypto import DataKeyError, decrypt, digest, encrypt
from wenming.volunteers.models import Volunteer

OLD, NEW = "old-data-key-" + "o" * 40, "new-data-key-" + "n" * 40
ROOT = Path(__file__).resolve().parents[4]


def raw_phone(volunteer_id) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM volunteers_volunteer WHERE id = %s", [volunteer_id])
        return cursor.fetchone()[0]


def test_a_value_no_key_decrypts_is_an_error_not_a_blank(settings):
    settings.DATA_KEYS = [OLD]
    token = encrypt("13900001111")
    settings.DATA_KEYS = [NEW]
    with pytest.raises(DataKeyError):
        decrypt(token)
    settings.DATA_KEYS = [NEW, OLD]
    assert decrypt(token) == "13900001111"


def test_changing_the_secret_key_neither_erases_nor_hides_personal_data(settings):
    settings.DATA_KEYS = [OLD]
    token = encrypt("511902199001011232")
    before = digest("13900001111")
    settings.SECRET_KEY = "a-new-secret-key-" + "s" * 40
    assert decrypt(token) == "511902199001011232" and digest("13900001111") == before


@pytest.mark.django_db
def test_rotation_reencrypts_everything_once(world, settings):
    original = settings.DATA_KEYS[0]  # the world's volunteers were encrypted with it
    settings.DATA_KEYS = [OLD, original]
    made = Volunteer.objects.create(name="轮换", phone="13900002222", phone_digest=digest("13900002222"),
                                    node=world.village_a, district=world.district)
    settings.DATA_KEYS = [NEW, OLD, original]
    out = io.StringIO()
    call_command("rotate_data_key", stdout=out)
    assert "volunteers.Volunteer.phone" in out.getvalue()
    settings.DATA_KEYS = [NEW]  # the old key dropped
    assert Volunteer.objects.get(pk=made.pk).phone == "13900002222"
    assert Volunteer.objects.get(pk=world.vol1.pk).phone == "13900000001"
    token = raw_phone(made.pk)
    out = io.StringIO()
    call_command("rotate_data_key", stdout=out)
    assert "已用当前密钥重新加密 0 个值" in out.getvalue() and raw_phone(made.pk) == token


def _settings_in_a_fresh_process(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items()
               if k not in {"SECRET_KEY", "WENMING_DATA_KEY", "WENMING_ENV", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    environ.update(WENMING_VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"), **env)
    return subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
                           "'wenming.settings'; django.setup(); from django.conf import settings; "
                           "print(len(settings.DATA_KEYS), settings.DATA_KEYS[0] != settings.SECRET_KEY)"],
                          env=environ, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_on_missing_or_shared_keys(tmp_path):
    run = _settings_in_a_fresh_process(tmp_path, WENMING_ENV="production")
    assert run.returncode != 0 and "SECRET_KEY" in run.stderr and "WENMING_DATA_KEY" in run.stderr
    run = _settings_in_a_fresh_process(tmp_path, WENMING_ENV="production", SECRET_KEY="k" * 40,
                                       WENMING_DATA_KEY="k" * 40)
    assert run.returncode != 0 and "not SECRET_KEY" in run.stderr
    run = _settings_in_a_fresh_process(tmp_path, WENMING_ENV="production", SECRET_KEY="k" * 40,
                                       WENMING_DATA_KEY="d" * 40)
    assert run.returncode == 0 and run.stdout.split() == ["1", "True"], run.stderr


def test_without_keys_a_development_set_up_makes_its_own_and_keeps_them(tmp_path):
    first = _settings_in_a_fresh_process(tmp_path)
    assert first.returncode == 0, first.stderr
    kept = {p.name: p.read_text() for p in tmp_path.iterdir() if p.name.endswith("_key")}
    assert set(kept) >= {"secret_key", "data_key", "digest_key"}
    assert all(len(v) >= 40 for v in kept.values()) and len(set(kept.values())) == len(kept)
    assert (tmp_path / "data_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    assert _settings_in_a_fresh_process(tmp_path).returncode == 0
    assert {p.name: p.read_text() for p in tmp_path.iterdir() if p.name.endswith("_key")} == kept


def production_environment(var_dir) -> dict:
    """The production environment docs/SECURITY.md documents, on a fresh SQLite database."""
    environ = {k: v for k, v in os.environ.items()
               if k not in {"SECRET_KEY", "WENMING_DATA_KEY", "WENMING_ENV", "DEBUG", "DJANGO_SETTINGS_MODULE",
                            "DATABASE_URL"}}
    environ.update(WENMING_VAR_DIR=str(var_dir), PYTHONPATH=str(ROOT / "src"), WENMING_ENV="production",
                   SECRET_KEY="s" * 20 + "Kq8#pZ2!xV" * 4, WENMING_DATA_KEY="d" * 48, ALLOWED_HOSTS="wenming.example.gov.cn",
                   TRUSTED_PROXIES="1")
    return environ


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    run = subprocess.run([sys.executable, "-m", "wenming.cli", "check", "--deploy", "--fail-level", "WARNING"],
                         env=production_environment(tmp_path), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout
