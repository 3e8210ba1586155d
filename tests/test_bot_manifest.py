"""The app manifest an admin pastes into Slack asks for what the bot actually uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.interactions import SLASH_COMMAND

MANIFEST = Path(__file__).resolve().parents[1] / "bot" / "manifest.yaml"


def test_manifest_subscribes_to_every_surface_the_bot_answers():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    assert {"app_mention", "message.im", "assistant_thread_started"} <= set(settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [SLASH_COMMAND]
    assert "assistant_view" in manifest["features"] and manifest["features"]["app_home"]["messages_tab_enabled"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "assistant:write", "channels:history"} <= scopes
    # Slack rejects descriptions over 140 characters and long descriptions under 175.
    assert len(manifest["display_information"]["description"]) <= 140
    assert len(manifest["display_information"]["long_description"]) >= 175
