"""Every router of this capability, in the order the app mounts them."""

from fastapi import APIRouter

from gigafibre.gps import api

ROUTERS: tuple[APIRouter, ...] = (api.router,)
