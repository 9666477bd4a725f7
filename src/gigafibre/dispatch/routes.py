"""Every router of this capability, in the order the app mounts them."""

from fastapi import APIRouter

from gigafibre.dispatch import api, pages

ROUTERS: tuple[APIRouter, ...] = (api.router, pages.router)
