"""What the network capability registers with the runtime, per settings."""

from __future__ import annotations

from gigafibre.core.scheduler import Scheduler
from gigafibre.network.jobs import install
from gigafibre.settings import Environment, Settings
from tests.conftest import TransactionalDatabase


def _jobs(settings: Settings, db: TransactionalDatabase, **changes: object) -> tuple[set[str], int]:
    scheduler = Scheduler(db)
    duties = install(settings.model_copy(update=changes), db, scheduler)
    return set(scheduler.jobs), len(duties)


def test_poll_and_purge_jobs_and_the_mqtt_duty(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    assert _jobs(settings, tx_database) == ({"network.olt_poll", "network.purge_readings"}, 0)
    assert _jobs(settings, tx_database, olt_poller="snmp", usp_mqtt_url="mqtt://127.0.0.1") == (
        {"network.olt_poll", "network.purge_readings"},
        1,
    )
    assert _jobs(settings, tx_database, olt_poller="off") == ({"network.purge_readings"}, 0)


def test_the_simulated_poller_never_runs_in_production(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    jobs, _duties = _jobs(settings, tx_database, env=Environment.production)
    assert jobs == {"network.purge_readings"}
