"""Runs the living policy features/risks.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("risks.feature")
