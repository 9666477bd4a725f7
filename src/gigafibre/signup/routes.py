"""Every router of this capability, in the order the app mounts them."""

from fastapi import APIRouter

from gigafibre.portal import account
from gigafibre.signup import api, pages

ROUTERS: tuple[APIRouter, ...] = (api.router, pages.router, account.router)
