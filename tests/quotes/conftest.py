from tests.quotes.world import qw  # noqa: F401 - the fixture
