"""Adresses Québec CSV import (streamed, batched, upsert by id) and coverage files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from gigafibre.addresses import importer
from gigafibre.addresses.models import Address
from gigafibre.addresses.service import search_addresses
from gigafibre.cli import app as cli_app
from tests.conftest import TransactionalDatabase

RQA_HEADER = (
    "identifiant_unique_adresse,numero_municipal,numero_municipal_suffixe,numero_unite,"
    "generique_odonyme,particule_odonyme,specifique_odonyme,point_cardinal_odonyme,"
    "odonyme_recompose_court,nom_municipalite,code_postal,latitude,longitude,date_fin,etat"
)
RQA_ROWS = (
    "AQ-1001,123,,,rue,des,Érables,,rue des Érables,Québec,G1R2B5,46.8101,-71.2102,,Certifiée",
    "AQ-1002,123,A,,rue,des,Érables,,rue des Érables,Québec,G1R 2B5,46.8102,-71.2103,,Certifiée",
    "AQ-1003,45,,,boulevard,,René-Lévesque,Ouest,boul. René-Lévesque O,Québec,G1S 1A1,"
    "46.80,-71.22,,Certifiée",
    "AQ-1004,77,,,côte,d',Abraham,,côte d'Abraham,Québec,,46.81,-71.21,,Certifiée",
    "AQ-1005,77,,2,côte,d',Abraham,,côte d'Abraham,Québec,,46.81,-71.21,,Certifiée",
    "AQ-1006,9,,,rue,,Disparue,,rue Disparue,Québec,,46.81,-71.21,2019-04-01,Retirée",
    "AQ-1007,,,,rue,,Sans Numéro,,rue Sans Numéro,Québec,,46.81,-71.21,,Certifiée",
    "AQ-1008,8,,,rue,,Scott,,rue Scott,Lévis,G6V 1A1,,,,Certifiée",
)


def write(tmp_path: Path, name: str, lines: tuple[str, ...] | list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def addresses(tx_database: TransactionalDatabase) -> dict[str, Address]:
    async with tx_database.unit_of_work() as session:
        return {a.source_id: a for a in await session.scalars(select(Address))}


async def test_rqa_layout_is_imported_in_batches(
    tmp_path: Path, tx_database: TransactionalDatabase
) -> None:
    path = write(tmp_path, "rqa.csv", [RQA_HEADER, *RQA_ROWS])
    report = await importer.import_addresses(tx_database, path, batch_size=2)
    assert (report.read, report.imported) == (8, 5)
    assert report.skipped == {"incomplete": 1, "retired": 1, "same civic address": 1}
    rows = await addresses(tx_database)
    assert set(rows) == {"AQ-1001", "AQ-1002", "AQ-1003", "AQ-1004", "AQ-1008"}
    boulevard = rows["AQ-1003"]
    assert (boulevard.street, boulevard.civic, boulevard.postal_code) == (
        "boulevard René-Lévesque Ouest", "45", "G1S 1A1",
    )  # fmt: skip
    assert rows["AQ-1004"].street == "côte d'Abraham"
    assert rows["AQ-1002"].civic == "123A"
    assert rows["AQ-1001"].latitude == pytest.approx(46.8101)
    assert rows["AQ-1008"].latitude is None
    async with tx_database.unit_of_work() as session:
        found = await search_addresses(session, "45 boul rene levesque")
    assert [match.label for match in found] == ["45 boulevard René-Lévesque Ouest, Québec G1S 1A1"]


async def test_reimport_updates_by_id_and_keeps_coverage(
    tmp_path: Path, tx_database: TransactionalDatabase
) -> None:
    await importer.import_addresses(tx_database, write(tmp_path, "a.csv", [RQA_HEADER, *RQA_ROWS]))
    coverage = write(
        tmp_path, "coverage.csv", ["source_id,olt_name,pon_port", "AQ-1001,OLT-QC-01,1/2"]
    )
    assert (await importer.import_coverage(tx_database, coverage)).addresses == 1
    changed = [RQA_HEADER, RQA_ROWS[0].replace("G1R2B5", "G1R 2B6")]
    report = await importer.import_addresses(tx_database, write(tmp_path, "b.csv", changed))
    assert report.imported == 1
    first = (await addresses(tx_database))["AQ-1001"]
    assert (first.postal_code, first.fibre_passed, first.olt_name) == ("G1R 2B6", True, "OLT-QC-01")


async def test_legacy_column_names_and_semicolons(
    tmp_path: Path, tx_database: TransactionalDatabase
) -> None:
    lines = [
        "ID_ADRS;NO_CIVQ_DEB;NO_CIVQ_FIN;GENRQ;LIEN;SPECFQ;DIRCT;NOM_MUN;CODE_POSTAL;X;Y",
        "77001;100;104;chemin;de la;Canardière;;Québec;G1J 2C9;-71.2101;46.8302",
        "77002;5;;rue;;Dorchester;;Québec;;250000.5;5190000.2",
    ]
    report = await importer.import_addresses(tx_database, write(tmp_path, "old.csv", lines))
    assert report.imported == 2
    rows = await addresses(tx_database)
    canardiere = rows["77001"]
    assert (canardiere.street, canardiere.civic_number_end) == ("chemin de la Canardière", 104)
    assert (canardiere.latitude, canardiere.longitude) == (46.8302, -71.2101)
    assert rows["77002"].latitude is None  # projected metres are not degrees


async def test_a_file_of_another_layout_is_refused(
    tmp_path: Path, tx_database: TransactionalDatabase
) -> None:
    path = write(tmp_path, "other.csv", ["name,email", "Marie,marie@example.com"])
    with pytest.raises(importer.ImportFormatError, match="not an Adresses Québec CSV"):
        await importer.import_addresses(tx_database, path)
    with pytest.raises(importer.ImportFormatError, match="coverage file needs"):
        await importer.import_coverage(tx_database, path)


async def test_coverage_by_pon_service_area(
    tmp_path: Path, tx_database: TransactionalDatabase
) -> None:
    await importer.import_addresses(tx_database, write(tmp_path, "a.csv", [RQA_HEADER, *RQA_ROWS]))
    area = write(
        tmp_path,
        "area.csv",
        [
            "municipality,street,civic_from,civic_to,olt_name,pon_port",
            "Québec,rue des Érables,100,199,OLT-QC-02,3/7",
            "Lévis,rue Scott,1,10,OLT-LV-01,1/1",
        ],
    )
    report = await importer.import_coverage(tx_database, area)
    assert (report.rows, report.addresses) == (2, 3)
    rows = await addresses(tx_database)
    assert {key for key, row in rows.items() if row.fibre_passed} == {
        "AQ-1001", "AQ-1002", "AQ-1008",
    }  # fmt: skip
    assert rows["AQ-1002"].pon_port == "3/7"


def test_the_cli_imports_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gigafibre.core.migrate import upgrade_to_head

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    upgrade_to_head(url)
    monkeypatch.setenv("GF_DATABASE_URL", url)
    monkeypatch.setenv("GF_DATA_DIR", str(tmp_path))
    path = write(tmp_path, "rqa.csv", [RQA_HEADER, *RQA_ROWS])
    coverage = write(tmp_path, "ids.csv", ["ID_ADRS,fibre_passed", "AQ-1003,oui", "AQ-1008,non"])
    result = CliRunner().invoke(
        cli_app, ["addresses", "import", str(path), "--coverage-file", str(coverage)]
    )
    assert result.exit_code == 0, result.output
    assert "imported 5" in result.output
    assert "2 addresses updated" in result.output
    wrong = write(tmp_path, "wrong.csv", ["a,b", "1,2"])
    refused = CliRunner().invoke(cli_app, ["addresses", "import", str(wrong)])
    assert refused.exit_code == 2
    assert "Cannot import" in refused.output
