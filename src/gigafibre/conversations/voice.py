"""The Twilio IVR: a caller we recognise hears their balance or an outage at their address,
or is put through to an agent. Every request is verified by X-Twilio-Signature first.

The call's language is the customer's (fr-CA by default); 9 switches to English. The prompts
are msgids translated with the call's language, not the HTTP request's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from twilio.twiml.voice_response import Gather, VoiceResponse  # type: ignore[import-untyped]

from gigafibre.billing.service import customer_balance
from gigafibre.conversations.schemas import CallEvent
from gigafibre.conversations.service import customer_by_phone
from gigafibre.conversations.telephony import record_call
from gigafibre.conversations.webhooks import SIGNATURE_HEADER
from gigafibre.core.errors import ErrorBody
from gigafibre.core.i18n import N_, gettext
from gigafibre.core.web import SessionDep
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.network.service import outages_at_location
from gigafibre.notify.twilio_signature import BAD_SIGNATURE, TwilioForm
from gigafibre.tickets.models import Direction

router = APIRouter(prefix="/voice", tags=["voice"])
VOICES = {"fr": ("fr-CA", "Polly.Chantal"), "en": ("en-CA", "Polly.Joanna")}
Lang = Annotated[str, Query(pattern=r"^(fr|en)$", description="language of the call")]

WELCOME = N_("Welcome to {company}.")
HELLO = N_("Hello {name}, welcome to {company}.")
MENU_KNOWN = N_(
    "For your balance, press 1. For the state of the network at your address, press 2. "
    "To speak with an agent, press 0."
)
MENU_UNKNOWN = N_("To speak with an agent, press 0.")
ENGLISH = "For English, press 9."
BALANCE = N_("Your balance is {dollars} dollars and {cents} cents.")
NOTHING_OWED = N_("You have no balance to pay. Thank you!")
OUTAGE = N_("An outage affects your address. Our technicians are on it. We are sorry.")
NO_OUTAGE = N_("We see no outage at your address.")
NOT_RECOGNISED = N_("We could not find your account from this number.")
INVALID = N_("That is not one of the choices.")
CONNECTING = N_("Please hold, we are putting you through to an agent.")
NO_AGENT = N_("No agent can take your call right now. Please write to us from your portal.")
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/xml": {}}, "description": "TwiML"},
    403: {"model": ErrorBody, "description": BAD_SIGNATURE},
}
OPENAPI = {"parameters": [SIGNATURE_HEADER]}


def _twiml(response: VoiceResponse) -> Response:
    return Response(str(response), media_type="text/xml")


def _say(target: VoiceResponse | Gather, text: str, lang: str) -> None:
    language, voice = VOICES[lang]
    target.say(text, language=language, voice=voice)


async def _caller(session: AsyncSession, form: Any) -> Customer | None:
    return await customer_by_phone(session, str(form.get("From") or ""))


def _menu(response: VoiceResponse, lang: str, *, known: bool, greeting: str) -> None:
    gather = Gather(
        num_digits=1,
        action=f"/voice/gather?lang={lang}",
        method="POST",
        timeout=6,
        language=VOICES[lang][0],
    )
    _say(gather, greeting, lang)
    _say(gather, gettext(MENU_KNOWN if known else MENU_UNKNOWN, lang), lang)
    if lang == "fr":
        _say(gather, ENGLISH, "en")
    response.append(gather)
    response.redirect(f"/voice/connect-agent?lang={lang}", method="POST")


@router.post("/inbound", response_class=Response, responses=RESPONSES, openapi_extra=OPENAPI)
async def inbound_call(
    request: Request, form: TwilioForm, session: SessionDep, lang: Lang | None = None
) -> Response:
    """A call arrives: greet the caller by name when the number is a customer's, then the menu."""
    customer = await _caller(session, form)
    call_sid = str(form.get("CallSid") or "")[:100]
    if call_sid:  # the IVR's calls join the telephony log, like the PBX's
        await record_call(
            session,
            CallEvent(
                call_id=call_sid,
                direction=Direction.inbound,
                number=str(form.get("From") or "?")[:40],
                status="ivr",
            ),
            source="twilio",
        )
    language = lang or (str(customer.language) if customer else "fr")
    company = request.app.state.settings.company_name
    greeting = (
        gettext(HELLO, language).format(name=customer.customer_name, company=company)
        if customer
        else gettext(WELCOME, language).format(company=company)
    )
    response = VoiceResponse()
    _menu(response, language, known=customer is not None, greeting=greeting)
    return _twiml(response)


async def _balance_text(session: AsyncSession, customer: Customer, lang: str) -> str:
    owed: Decimal = await customer_balance(session, customer_id=customer.id)
    if owed <= 0:
        return gettext(NOTHING_OWED, lang)
    cents = int((owed * 100).to_integral_value())
    return gettext(BALANCE, lang).format(dollars=cents // 100, cents=cents % 100)


async def _outage_text(session: AsyncSession, customer: Customer, lang: str) -> str:
    locations = (
        await session.scalars(
            select(ServiceLocation.id).where(ServiceLocation.customer_id == customer.id)
        )
    ).all()
    for location_id in locations:
        if await outages_at_location(session, location_id):
            return gettext(OUTAGE, lang)
    return gettext(NO_OUTAGE, lang)


@router.post("/gather", response_class=Response, responses=RESPONSES, openapi_extra=OPENAPI)
async def gather(
    request: Request, form: TwilioForm, session: SessionDep, lang: Lang = "fr"
) -> Response:
    """The caller's choice: 1 balance, 2 outage, 0 an agent, 9 English."""
    digit = str(form.get("Digits") or "")
    response = VoiceResponse()
    if digit == "0":
        response.redirect(f"/voice/connect-agent?lang={lang}", method="POST")
        return _twiml(response)
    if digit == "9":
        response.redirect("/voice/inbound?lang=en", method="POST")
        return _twiml(response)
    customer = await _caller(session, form)
    if digit in ("1", "2") and customer is None:
        _say(response, gettext(NOT_RECOGNISED, lang), lang)
    elif digit == "1" and customer is not None:
        _say(response, await _balance_text(session, customer, lang), lang)
    elif digit == "2" and customer is not None:
        _say(response, await _outage_text(session, customer, lang), lang)
    else:
        _say(response, gettext(INVALID, lang), lang)
    response.redirect(f"/voice/inbound?lang={lang}", method="POST")
    return _twiml(response)


@router.post("/connect-agent", response_class=Response, responses=RESPONSES, openapi_extra=OPENAPI)
async def connect_agent(request: Request, form: TwilioForm, lang: Lang = "fr") -> Response:
    """Put the caller through to the support line (`GF_IVR_AGENT_NUMBER`)."""
    number: str = request.app.state.settings.ivr_agent_number
    response = VoiceResponse()
    if not number:
        _say(response, gettext(NO_AGENT, lang), lang)
        response.hangup()
        return _twiml(response)
    _say(response, gettext(CONNECTING, lang), lang)
    response.dial(number, caller_id=str(form.get("To") or "") or None)
    return _twiml(response)
