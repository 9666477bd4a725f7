"""`gigafibre addresses import FILE [--coverage-file FILE]` and `gigafibre addresses coverage`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from gigafibre.addresses import importer
from gigafibre.core.db import Database
from gigafibre.settings import load_settings

addresses_app = typer.Typer(
    help="Load the civic addresses of the territory and their fibre coverage.",
    no_args_is_help=True,
)

ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


async def _import(
    address_file: Path | None, coverage_file: Path | None, batch_size: int, encoding: str
) -> None:
    database = Database.from_url(load_settings().database_url)
    try:
        if address_file is not None:
            report = await importer.import_addresses(
                database, address_file, batch_size=batch_size, encoding=encoding
            )
            typer.echo(f"Addresses: {report}")
        if coverage_file is not None:
            coverage = await importer.import_coverage(database, coverage_file, encoding=encoding)
            typer.echo(
                f"Coverage: {coverage.rows} rows read, {coverage.addresses} addresses updated"
            )
    except importer.ImportFormatError as error:
        typer.echo(f"Cannot import: {error}", err=True)
        raise typer.Exit(code=2) from error
    finally:
        await database.dispose()


@addresses_app.command("import")
def import_file(
    file: ExistingFile,
    coverage_file: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="Then mark fibre coverage from this CSV file."
        ),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=100, max=50_000)] = importer.BATCH_SIZE,
    encoding: Annotated[str, typer.Option(help="Text encoding of the files.")] = "utf-8-sig",
) -> None:
    """Upsert the addresses of an Adresses Québec CSV file (by source id), batch by batch."""
    asyncio.run(_import(file, coverage_file, batch_size, encoding))


@addresses_app.command("coverage")
def coverage(
    file: ExistingFile,
    encoding: Annotated[str, typer.Option(help="Text encoding of the file.")] = "utf-8-sig",
) -> None:
    """Mark addresses passed by fibre: by source ids, or by PON service areas."""
    asyncio.run(_import(None, file, importer.BATCH_SIZE, encoding))
