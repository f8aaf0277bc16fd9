"""Runs the living policy features/quality.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("quality.feature")
