"""Loopback fakes of the chat platforms and webhooks, speaking their real protocols."""
