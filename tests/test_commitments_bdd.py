"""Runs the living policy features/commitments.feature against the real engine."""

from pytest_bdd import scenarios

scenarios("commitments.feature")
