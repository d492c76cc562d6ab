"""The web portal: server-rendered pages over the GraphQL schema, executed in-process."""
