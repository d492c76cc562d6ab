from tests.applications.world import gw  # noqa: F401 - the fixture
