"""Runs the living policy features/process.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("process.feature")
