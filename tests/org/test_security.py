"""Security basics: argon2, lockout, CSRF, secure cookies, friendly errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def production_settings(**env: str) -> dict:
    """Import onestop.settings in a fresh interpreter with a production-like environment."""
    code = (
        "import json, onestop.settings as s; print(json.dumps({k: str(getattr(s, k)) for k in "
        "['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'PASSWORD_HASHERS', "
        "'SECURE_HSTS_SECONDS', 'SECRET_KEY', 'ALLOWED_HOSTS']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DEBUG"))}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_production_defaults_are_safe(tmp_path):
    s = production_settings(SECRET_KEY="k" * 50, ONESTOP_VAR_DIR=str(tmp_path))
    assert s["DEBUG"] == "False"
    assert s["SESSION_COOKIE_SECURE"] == "True"
    assert s["CSRF_COOKIE_SECURE"] == "True"
    assert s["PASSWORD_HASHERS"].startswith("['django.contrib.auth.hashers.Argon2PasswordHasher'")
    assert int(s["SECURE_HSTS_SECONDS"]) > 0


def test_without_secret_key_a_random_one_is_kept_in_var(tmp_path):
    first = production_settings(ONESTOP_VAR_DIR=str(tmp_path))["SECRET_KEY"]
    second = production_settings(ONESTOP_VAR_DIR=str(tmp_path))["SECRET_KEY"]
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_the_environment(tmp_path):
    s = production_settings(ONESTOP_VAR_DIR=str(tmp_path), ALLOWED_HOSTS="zwfw.example.cn,a.cn")
    assert s["ALLOWED_HOSTS"] == "['zwfw.example.cn', 'a.cn']"


def test_bad_boolean_settings_are_refused(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as exc:
        production_settings(ONESTOP_VAR_DIR=str(tmp_path), DEBUG="maybe")
    assert "DEBUG must be true or false" in exc.value.stderr


def test_argon2_hashes_verify():
    hashed = make_password("Xiqu@2026", hasher="argon2")
    assert hashed.startswith("argon2$")
    assert check_password("Xiqu@2026", hashed)
    assert not check_password("Xiqu@2027", hashed)


def test_login_locks_after_repeated_failures(client, clerk):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_good_login_before_the_limit_resets_the_count(client, clerk):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)


def test_wrong_password_message_is_chinese(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_forms_need_a_csrf_token(db, clerk):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 403


def test_unknown_pages_get_a_chinese_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.content.decode()


def test_server_errors_show_no_stack_trace(rf):
    from onestop.portal.views import server_error

    response = server_error(rf.get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统繁忙" in body
    assert "Traceback" not in body


def test_uploads_go_to_an_s3_bucket_when_one_is_configured(tmp_path):
    code = (
        "import json, onestop.settings as s; d = s.STORAGES['default'];"
        "o = d.get('OPTIONS', {});"
        "print(json.dumps({'backend': d['BACKEND'], 'bucket': o.get('bucket_name'),"
        " 'acl': o.get('default_acl')}))"
    )
    env = {
        "ONESTOP_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
        "PATH": os.environ.get("PATH", ""),
    }
    local = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(local.stdout)["backend"].endswith("FileSystemStorage")
    s3 = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "S3_BUCKET": "xiqu-materials", "S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(s3.stdout) == {
        "backend": "storages.backends.s3.S3Storage",
        "bucket": "xiqu-materials",
        "acl": "private",
    }
