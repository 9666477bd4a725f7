"""Every router of this capability, in the order the app mounts them."""

from fastapi import APIRouter

from gigafibre.devices import api, pages, portal

ROUTERS: tuple[APIRouter, ...] = (api.router, pages.router, portal.router)
