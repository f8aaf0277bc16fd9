"""Runs the living policy features/indicators.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("indicators.feature")
