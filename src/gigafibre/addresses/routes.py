"""Every router of this capability, in the order the app mounts them."""

from fastapi import APIRouter

from gigafibre.addresses import api

ROUTERS: tuple[APIRouter, ...] = (api.router,)
