"""Imports every module's models so that `Base.metadata` is complete (Alembic, tests)."""

from gigafibre.addresses import models as address_models
from gigafibre.billing import models as billing_models
from gigafibre.billing import payment_models
from gigafibre.catalog import models as catalog_models
from gigafibre.conversations import models as conversation_models
from gigafibre.core import events, naming, outbox, scheduler
from gigafibre.core.db import Base
from gigafibre.customers import models as customer_models
from gigafibre.devices import models as device_models
from gigafibre.dispatch import models as dispatch_models
from gigafibre.equipment import models as equipment_models
from gigafibre.field import models as field_models
from gigafibre.flows import models as flow_models
from gigafibre.gps import models as gps_models
from gigafibre.network import models as network_models
from gigafibre.portal import models as portal_models
from gigafibre.signup import models as signup_models
from gigafibre.staff import models as staff_models
from gigafibre.tickets import models as ticket_models
from gigafibre.vision import models as vision_models

__all__ = [
    "Base",
    "address_models",
    "billing_models",
    "catalog_models",
    "conversation_models",
    "customer_models",
    "device_models",
    "dispatch_models",
    "equipment_models",
    "events",
    "field_models",
    "flow_models",
    "gps_models",
    "naming",
    "network_models",
    "outbox",
    "payment_models",
    "portal_models",
    "scheduler",
    "signup_models",
    "staff_models",
    "ticket_models",
    "vision_models",
]
