"""Runs the living policy features/activities.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("activities.feature")
