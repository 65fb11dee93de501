"""POST /events: events and purchase lines in, through the loaders' queries; the written customers' cached
answers and kept recommender state are dropped (nobody else's)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from graphengine.api.dates import rules_of
from graphengine.api.deps import SettingsDep, StoreDep, WriteKeyDep, blocking
from graphengine.api.ingest import write_events
from graphengine.api.recommender import after_write
from graphengine.api.routes import error_responses
from graphengine.api.schemas_customers import EventBatchIn, EventReceiptOut
from graphengine.config import Settings

router = APIRouter(tags=["events"])


def in_configured_range(batch: EventBatchIn, settings: Settings) -> None:
    """FastAPI validated the body with the default value rules; its times must also lie in the range the settings
    give (``earliest_time`` … ``latest_time``), as a load's do. Outside it: 422 with the field named."""
    try:
        EventBatchIn.model_validate(batch.model_dump(), context={"rules": rules_of(settings)})
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_context=False)]
        raise RequestValidationError(errors) from None


@router.post(
    "/events",
    response_model=EventReceiptOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 409),
)
async def post_events(
    request: Request, batch: EventBatchIn, store: StoreDep, settings: SettingsDep, _key: WriteKeyDep
) -> EventReceiptOut:
    """One or many events and/or purchase lines (up to 1,000 each). A batch naming an unknown customer,
    channel or product is refused whole (422); so is one that names an event belonging to another customer (409).
    A purchase line re-sent with other values corrects it. The next recommendation already reflects a new
    purchase."""
    in_configured_range(batch, settings)
    receipt = await blocking(
        write_events,
        store,
        batch.events,
        batch.purchases,
        source=batch.source,
        salt=settings.hash_salt.get_secret_value(),
    )
    cleared = after_write(request.app.state, receipt["customers"])
    return EventReceiptOut.model_validate({**receipt, "cacheEntriesCleared": cleared})
