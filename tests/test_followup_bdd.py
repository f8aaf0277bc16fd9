"""Runs the living policy features/followup.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("followup.feature")
