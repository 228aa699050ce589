"""The nginx site and the systemd units of docs/deploy.md, checked by the
tools that will read them: `nginx -t` and `systemd-analyze verify`.

The blocks are read from the document itself, so what an operator copies is
what was checked. Without nginx or systemd-analyze on the machine the test
is reported as skipped, never as passed (`apt install nginx-light`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def block(after: str, language: str) -> str:
    """The first fenced block in `language` after the heading `after`."""
    section = DEPLOY.split(after, 1)[1]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, f"no {language} block after {after!r}"
    return match.group(1)


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - fixed tools, our own files


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed: the nginx site of docs/deploy.md is unchecked")
    site = block("### nginx", "nginx")
    # A throw-away certificate where the site expects the City's.
    openssl = run(
        shutil.which("openssl") or "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=relint.test", "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem"),
    )  # fmt: skip
    assert openssl.returncode == 0, openssl.stderr
    assert "/etc/ssl/relint/fullchain.pem" in site and "/etc/ssl/relint/privkey.pem" in site
    site = site.replace("/etc/ssl/relint/", f"{tmp_path}/")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    client_body_temp_path {tmp_path}/body;\n"
        f"    proxy_temp_path {tmp_path}/proxy;\n"
        f"{site}}}\n",
        encoding="utf-8",
    )
    result = run(nginx, "-t", "-p", str(tmp_path), "-c", str(conf))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # The check is real: a broken site is refused.
    conf.write_text(conf.read_text(encoding="utf-8").replace("proxy_pass", "proxy_passs"), encoding="utf-8")
    broken = run(nginx, "-t", "-p", str(tmp_path), "-c", str(conf))
    assert broken.returncode != 0


@pytest.mark.parametrize(
    ("heading", "name"),
    [("### gunicorn (systemd `relint-web.service`)", "relint-web"), ("### The task worker", "relint-worker")],
)
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path, heading, name):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the units of docs/deploy.md are unchecked")
    unit = block(heading, "ini")
    # The code lives in /srv/relint on the server; here, in this checkout
    # (systemd checks that the commands exist).
    assert "/srv/relint" in unit
    path = tmp_path / f"{name}.service"
    path.write_text(unit.replace("/srv/relint", str(ROOT)), encoding="utf-8")
    result = run(analyze, "verify", str(path))
    # A bad value is only a warning on stderr, with exit status 0: both count.
    assert (result.returncode, result.stderr.strip()) == (0, "")
    path.write_text(path.read_text(encoding="utf-8").replace("Restart=always", "Restart=sometimes"), encoding="utf-8")
    broken = run(analyze, "verify", str(path))
    assert "sometimes" in broken.stderr
