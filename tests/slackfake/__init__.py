"""Slack's side of the conversation, for driving the real bot end to end on 127.0.0.1."""
