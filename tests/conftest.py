"""Shared fixtures. Area-specific fixtures live in the conftest of each test folder."""
