"""Connectors, one package per accounting system; discovered through entry points."""

from __future__ import annotations
