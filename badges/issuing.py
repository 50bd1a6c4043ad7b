"""Glue between the badges models and the pure Open Badges engine:
sign the documents of an assertion and bake its images."""

from badges.models import Assertion


def assertion_finalise(*, assertion: Assertion) -> Assertion:
    # Filled in by the Open Badges engine work (issue 3): signing and baking.
    return assertion
