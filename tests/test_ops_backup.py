"""The backup drill: back up a live instance while a writer keeps writing,
restore into a fresh instance, and find 0 differences. On SQLite, and on
PostgreSQL when the suite runs there."""

from __future__ import annotations

import json
import tarfile
import time
from pathlib import Path

import pytest

from relint.ops.backup import MANIFEST

WRITER = """
import sys, time
from pathlib import Path
from relint.partners.models import PartnerCity
stop, log = Path(sys.argv[1]), Path(sys.argv[2])
n = 0
with log.open("a") as out:
    while not stop.exists():
        n += 1
        city = PartnerCity.objects.create(name_it=f"Città scritta {n}", country_id="FR")
        out.write(f"{time.time()} {city.pk}\\n")
        out.flush()
"""

FIGURES = """
import json
from django.db import connection
from relint.ops.backup import table_figures
with connection.cursor() as cursor:
    print(json.dumps(table_figures(cursor, connection.vendor)))
"""


def _written(log: Path) -> list[tuple[float, int]]:
    return [(float(t), int(pk)) for t, pk in (line.split() for line in log.read_text().splitlines() if line)]


def test_the_drill_restores_a_backup_taken_under_writes_with_0_differences(new_instance, tmp_path):
    live = new_instance("live")
    live.manage("migrate", "--noinput")
    live.manage("generate_synthetic", "--activities", "300")
    (live.media / "agreements" / "a1").mkdir(parents=True)
    (live.media / "agreements" / "a1" / "testo firmato.pdf").write_bytes(b"%PDF-1.7 signed text " * 500)
    (live.media / "reports").mkdir()
    (live.media / "reports" / "relazione-2025-it.pdf").write_bytes(bytes(range(256)) * 400)

    stop, log = tmp_path / "stop", tmp_path / "writes.log"
    log.touch()
    writer = live.popen("-c", "import django; django.setup()\n" + WRITER, str(stop), str(log))
    try:
        deadline = time.time() + 60
        while len(_written(log)) < 20 and time.time() < deadline:
            time.sleep(0.1)
        backup_started = time.time()
        output = live.manage("backup", "--output", str(tmp_path / "backups")).stdout
        backup_ended = time.time()
        # Until the writer has committed once more. A fixed half-second was
        # not always enough on a loaded machine (2 cores, xdist workers):
        # the writer got no turn and "writes went on after" failed.
        while not any(t > backup_ended for t, _ in _written(log)) and time.time() < deadline + 60:
            time.sleep(0.1)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0
    writes = _written(log)
    # Writes really went on before, during and after the backup.
    assert any(t < backup_started for t, _ in writes)
    assert any(t > backup_ended for t, _ in writes)

    archive = next((tmp_path / "backups").glob("relint-backup-*.tar.gz"))
    assert str(archive) in output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert manifest["tables"]["activities_activity"]["rows"] == 300
    assert {"media/agreements/a1/testo firmato.pdf", "media/reports/relazione-2025-it.pdf"} <= set(manifest["files"])
    # Everything committed before the backup began is in it.
    in_backup = manifest["tables"]["partners_partnercity"]["rows"]
    assert in_backup >= sum(1 for t, _ in writes if t < backup_started)

    fresh = new_instance("fresh")
    restored = fresh.manage("restore", str(archive), "--noinput")
    assert "0 differences" in restored.stdout

    # Checked again independently of the restore command.
    figures = json.loads(fresh.python(FIGURES))
    assert figures == manifest["tables"]
    for name in ("agreements/a1/testo firmato.pdf", "reports/relazione-2025-it.pdf"):
        assert (fresh.media / name).read_bytes() == (live.media / name).read_bytes()
    # The restored instance works: Django sees its migrations applied.
    assert "[ ]" not in fresh.manage("showmigrations").stdout


def test_it_refuses_a_damaged_archive_and_changes_nothing(new_instance, tmp_path):
    live = new_instance("live")
    live.manage("migrate", "--noinput")
    live.manage("backup", "--output", str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("relint-backup-*.tar.gz"))

    # Rebuild the archive with one byte of the database changed.
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    manifest = json.loads((unpacked / MANIFEST).read_text())
    database = unpacked / manifest["database"]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for path in unpacked.rglob("*"):
            tar.add(path, arcname=path.relative_to(unpacked).as_posix())

    target = new_instance("target")
    target.manage("migrate", "--noinput")
    (target.media / "keep.txt").write_text("still here")
    result = target.manage("restore", str(damaged), "--noinput", check=False)
    assert result.returncode != 0
    assert "checksum mismatch" in result.stderr
    assert (target.media / "keep.txt").read_text() == "still here"
    assert "[ ]" not in target.manage("showmigrations").stdout


def test_restore_refuses_a_file_that_is_not_a_backup(new_instance, tmp_path):
    target = new_instance("target")
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = target.manage("restore", str(bogus), "--noinput", check=False)
    assert result.returncode != 0
    assert "not a readable backup archive" in result.stderr


@pytest.mark.parametrize("tool", ["pg_dump", "pg_restore"])
def test_the_postgresql_client_tools_match_the_server(db, tool):
    from tests.instances import on_postgresql

    if not on_postgresql():
        pytest.skip("PostgreSQL only: the suite runs on SQLite")
    from relint.ops.backup import check_pg_tools

    check_pg_tools(tool)
