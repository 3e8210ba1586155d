"""`opmodel slack`: run the Slack bot, in Socket Mode (default) or over HTTP."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from opmodel.errors import ConfigError
from opmodel.settings import Settings

DRAIN_SECONDS = 30.0  # what a SIGTERM leaves answers in flight to finish (Kubernetes' default grace)

DESCRIPTION = """\
Run the Slack bot: answers @mentions (in a thread), direct messages, the assistant side
panel and the /opmodel command, quoting the passages it relies on.

Socket Mode (the default) needs only an outbound connection, so it works without a public
URL. It needs two tokens:
  SLACK_BOT_TOKEN   the Bot User OAuth Token (xoxb-…), from OAuth & Permissions
  SLACK_APP_TOKEN   an app-level token (xapp-…) with connections:write, from Basic Information

HTTP mode (--http) serves the Events API at /slack/events; Slack must reach that URL. It needs
  SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Basic Information → App Credentials).

SLACK_API_URL points the bot at another Web API base URL (GovSlack-style hosts, tests).
The index must exist first: run `opmodel ingest`."""

EXAMPLES = """\
examples:
  export SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-…
  opmodel slack                         Socket Mode
  opmodel slack --http --port 3000      Events API at http://<host>:3000/slack/events
"""


def register(sub) -> None:
    parser = sub.add_parser(
        "slack",
        help="run the Slack bot (Socket Mode by default, --http for the Events API)",
        description=DESCRIPTION,
        epilog=EXAMPLES,
    )
    parser.add_argument("--http", action="store_true", help="serve the Events API over HTTP instead of Socket Mode")
    parser.add_argument("--port", type=int, default=3000, help="port for --http (default: 3000)")
    parser.add_argument("--host", default="0.0.0.0", help="address for --http to listen on (default: all)")
    parser.set_defaults(handler=run)


def check_tokens(settings: Settings, http: bool) -> None:
    """One clear line naming the variable to set, before anything slow happens."""
    bot = settings.slack_bot_token
    if not bot:
        raise ConfigError("SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token "
                          "(xoxb-…, on the app's OAuth & Permissions page)")
    if bot.startswith("xapp-"):
        raise ConfigError("SLACK_BOT_TOKEN holds an app-level token (xapp-…): it needs the Bot User "
                          "OAuth Token (xoxb-…); the xapp- token goes in SLACK_APP_TOKEN")
    if http:
        if not settings.slack_signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's Signing Secret "
                              "(Basic Information → App Credentials)")
        return
    app_token = settings.slack_app_token
    if not app_token:
        raise ConfigError("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with the "
                          "connections:write scope (Basic Information → App-Level Tokens), or run with --http")
    if not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp- "
                          "(Basic Information → App-Level Tokens)")


def run(args: argparse.Namespace) -> int:
    from slack_bolt.error import BoltError

    settings = Settings()
    check_tokens(settings, http=args.http)
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        raise ConfigError(f"OPMODEL_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {settings.log_level!r}")
    logging.getLogger("bot").setLevel(min(logging.getLogger().level, level))

    from answer.engine import Assistant
    from bot.app import build_bot
    from bot.replies import EXAMPLE_QUESTIONS

    assistant = Assistant.from_settings(settings)
    # One question now: a missing index stops the bot here with a clear line, and the first
    # user does not wait for the model to load.
    assistant.ask(EXAMPLE_QUESTIONS[0])
    if warm_up := getattr(assistant, "warm_up", None):  # the scorer's quote vectors, in the background
        warm_up()
    where = settings.slack_api_url or "slack.com"
    try:
        app, parts = build_bot(assistant, settings)
    except BoltError as exc:
        raise ConfigError(f"Slack ({where}) did not accept SLACK_BOT_TOKEN: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot reach Slack at {where}: {exc}. Check the network or SLACK_API_URL") from exc
    stop = _stop_on_signals()
    if args.http:
        serve_http(app, settings.slack_signing_secret, args.host, args.port, stop, ready=assistant.index.problem)
    else:
        serve_socket_mode(app, settings, stop)
    return _drain(parts.responder)


def _stop_on_signals() -> threading.Event:
    """SIGTERM (a deploy, `docker stop`, systemd) and Ctrl-C both mean: stop taking events,
    finish the answers in flight, exit."""
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: the operator means now
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    return stop


def _drain(responder) -> int:
    print(f"opmodel slack: stopping; finishing the answers in flight (up to {DRAIN_SECONDS:.0f} s)",
          file=sys.stderr, flush=True)
    unfinished = responder.drain(DRAIN_SECONDS)
    if unfinished:
        logging.getLogger(__name__).error("stopped with %d answer(s) unfinished after %.0f s", unfinished, DRAIN_SECONDS)
        return 1
    print("opmodel slack: stopped", file=sys.stderr, flush=True)
    return 0


def serve_http(app, signing_secret: str, host: str, port: int, stop: threading.Event, ready=None) -> None:
    from bot.http import EVENTS_PATH, make_server

    try:
        server = make_server(app, signing_secret, port, host, ready=ready)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    print(f"opmodel slack: listening for Slack events on http://{host}:{port}{EVENTS_PATH}", file=sys.stderr, flush=True)
    # Served from a thread so the main thread is free to wait for a signal and then shut down.
    serving = threading.Thread(target=server.serve_forever, name="opmodel-http", daemon=True)
    serving.start()
    try:
        while not stop.wait(0.5):  # a short wait, so a signal is handled promptly
            pass
    finally:
        server.shutdown()
        server.server_close()  # new connections are refused from here on


def serve_socket_mode(app, settings: Settings, stop: threading.Event) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    # The handler reuses the app's Web API client, so apps.connections.open goes to the same
    # (possibly SLACK_API_URL) base URL, which hands back the WebSocket URL to connect to.
    handler = SocketModeHandler(app, settings.slack_app_token)
    try:
        handler.connect()
    except SlackApiError as exc:
        raise ConfigError(f"Slack did not accept SLACK_APP_TOKEN: {exc.response.get('error')}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot open the Socket Mode connection: {exc}") from exc
    print("opmodel slack: connected to Slack in Socket Mode; press Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        while not stop.wait(0.5):  # a short wait, so a signal is handled promptly
            pass
    finally:
        handler.close()  # no new events; the answers in flight still post over the Web API
