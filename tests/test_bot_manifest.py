"""The app manifest an admin pastes into Slack asks for what the bot actually uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.interactions import SLASH_COMMAND

MANIFEST = Path(__file__).resolve().parents[1] / "bot" / "manifest.yaml"


def test_manifest_subscribes_to_every_surface_the_bot_answers():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    assert {"app_mention", "message.im", "app_home_opened", "app_context_changed"} <= set(
        settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [SLASH_COMMAND]
    assert manifest["features"]["app_home"]["messages_tab_enabled"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "assistant:write", "channels:history"} <= scopes
    # Slack rejects descriptions over 140 characters and long descriptions under 175.
    assert len(manifest["display_information"]["description"]) <= 140
    assert len(manifest["display_information"]["long_description"]) >= 175


def test_manifest_uses_the_agent_messaging_experience():
    """Slack's "Migrating to the Agent messaging experience": agent_view with agent_description
    in place of assistant_view, and app_home_opened in place of assistant_thread_started."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features = manifest["features"]
    assert "assistant_view" not in features
    description = features["agent_view"]["agent_description"]
    assert isinstance(description, str) and description.strip()
    assert set(features["agent_view"]) == {"agent_description"}
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert not {"assistant_thread_started", "assistant_thread_context_changed"} & events
    assert "assistant:write" in manifest["oauth_config"]["scopes"]["bot"]  # status, prompts, titles
