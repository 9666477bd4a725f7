"""Every router of this capability, in the order the app mounts them."""

from fastapi import APIRouter

from gigafibre.conversations import api, pages, portal_pages, voice, webhooks

ROUTERS: tuple[APIRouter, ...] = (
    api.router,
    webhooks.router,
    voice.router,
    pages.router,
    portal_pages.router,
)
