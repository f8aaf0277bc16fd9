"""Runs the living policy features/goals.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("goals.feature")
