"""Code shared by the Sage sidecar and the MCP server: the generated API, errors, settings."""
