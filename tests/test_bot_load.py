"""Twenty people asking at once: every mention acked within Slack's 3 seconds and answered
exactly once, even when Slack delivers each one twice at the same moment."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from slackfake import payloads
from slackfake.harness import SIGNING_SECRET, bot_assistant, fake_slack, http_bot  # noqa: F401 (fixtures)

QUESTIONS = [
    "What is an NHS smartcard?",
    "Who provides the clinical system to GP practices?",
    "Who pays for the practice telephone system?",
    "What replaced GP Systems of Choice?",
    "Who is responsible for cyber security in general practice?",
]


def test_twenty_simultaneous_mentions_are_each_answered_exactly_once(http_bot, fake_slack):
    mentions = [payloads.mention(QUESTIONS[i % len(QUESTIONS)], user=f"U{i:03d}", channel=f"C{i % 3}")
                for i in range(20)]
    deliveries = mentions + mentions  # a duplicate of every event, racing the original
    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        results = list(pool.map(lambda body: payloads.deliver(http_bot.url, body, SIGNING_SECRET), deliveries))
    assert all(status == 200 for status, _, _ in results)
    assert max(took for _, _, took in results) < 3.0

    fake_slack.api.wait_for("chat.postMessage", 20, timeout=60)
    time.sleep(1.0)
    posts = fake_slack.api.calls_to("chat.postMessage")
    answered = Counter((p.params["channel"], p.params["thread_ts"]) for p in posts)
    expected = {(m["event"]["channel"], m["event"]["ts"]) for m in mentions}
    assert set(answered) == expected
    assert set(answered.values()) == {1}
    assert all(p.params.get("metadata") for p in posts), "answers, not refusals"
