"""Core: reference data, organisation, roles and the access layer, audit and
processing logs, the UI shell. Every other app builds on its public interface."""
