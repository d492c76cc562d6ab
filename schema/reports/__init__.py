"""The region's report as GraphQL."""
