"""Runs the living policy features/budget.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("budget.feature")
