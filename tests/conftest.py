"""Fixtures shared by every test file: the personas of relint.core.testing."""

import pytest

from relint.core.testing import Personas, make_personas


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()
