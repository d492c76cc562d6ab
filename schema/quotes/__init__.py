"""GraphQL of quotes for custom items."""
