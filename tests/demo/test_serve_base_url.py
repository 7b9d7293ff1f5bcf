"""The embedded run gives messages absolute links: PUBLIC_BASE_URL is the address it serves on,
unless the deployment set one."""

from __future__ import annotations

import os
import socket

import pytest

from onestop.demo.management.commands.serve import served_base_url, set_public_base_url


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8000", "http://127.0.0.1:8000"),
        ("::1", "8080", "http://[::1]:8080"),
        ("zwfw.local", "80", "http://zwfw.local:80"),
    ],
)
def test_it_uses_the_address_it_serves_on(host, port, url):
    assert served_base_url(host, port) == url


def test_a_wildcard_address_is_reached_by_the_machine_name():
    assert served_base_url("0.0.0.0", "8000") == f"http://{socket.gethostname()}:8000"  # noqa: S104


def test_it_sets_the_environment_the_settings_read(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "")  # unset, and put back after the test
    assert set_public_base_url("127.0.0.1", "8001") == "http://127.0.0.1:8001"
    assert os.environ["PUBLIC_BASE_URL"] == "http://127.0.0.1:8001"


def test_a_deployments_own_address_is_kept(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://zwfw.example.cn")
    assert set_public_base_url("127.0.0.1", "8000") == "https://zwfw.example.cn"
