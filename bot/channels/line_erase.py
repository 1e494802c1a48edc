"""Forgetting a LINE user who blocked the account (unfollow): their conversation in Rasa's tracker store
(the same deletion as `make bot-purge`, actions/privacy.py) and their question-log rows and queued questions
through faq_service's erase path (POST /api/v1/privacy/erase-session with the service token, the route
`thamtob privacy delete-session` shares). faq_service may be down: the call is retried a few times
(ERASE_RETRY_DELAYS_S) before it is given up with a warning."""
from __future__ import annotations

import asyncio
import logging
from typing import Optional, Tuple

import aiohttp

from actions.privacy import delete_tracker_session

logger = logging.getLogger(__name__)

ERASE_RETRY_DELAYS_S: Tuple[float, ...] = (1.0, 5.0, 30.0)
ERASE_TIMEOUT_S = 10.0


async def erase_tracker(tracker_db_url: Optional[str], sender: str) -> Optional[int]:
    if not tracker_db_url:
        return None
    return await asyncio.to_thread(delete_tracker_session, tracker_db_url, sender)


async def erase_question_log(faq_url: Optional[str], service_token: Optional[str], sender: str) -> Optional[dict]:
    if not faq_url or not service_token:
        logger.warning("LINE: FAQ_URL or THAMTOB_SERVICE_TOKEN not set; question log not erased at unfollow")
        return None
    timeout = aiohttp.ClientTimeout(total=ERASE_TIMEOUT_S)
    for delay in (0.0, *ERASE_RETRY_DELAYS_S):
        await asyncio.sleep(delay)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(f"{faq_url.rstrip('/')}/api/v1/privacy/erase-session",
                                        json={"session_id": sender},
                                        headers={"X-Service-Token": service_token}) as resp:
                    if resp.status == 200:
                        return await resp.json()
                    if resp.status < 500 and resp.status != 429:
                        logger.error("LINE: faq_service refused the erase (%s)", resp.status)
                        return None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.info("LINE: faq_service not reachable for the erase (%s)", exc)
    logger.warning("LINE: question log of a user who left not erased (faq_service unavailable); erase it "
                   "by hand: thamtob privacy delete-session %s", sender)
    return None


async def forget(sender: str, tracker_db_url: Optional[str], faq_url: Optional[str],
                 service_token: Optional[str]) -> None:
    events = await erase_tracker(tracker_db_url, sender)
    erased = await erase_question_log(faq_url, service_token, sender)
    logger.info("LINE: a user left; tracker events deleted: %s, question log: %s", events, erased)
