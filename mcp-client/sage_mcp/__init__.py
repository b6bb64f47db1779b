"""The MCP server that gives AI agents SageMath, as a gRPC client of the Sage sidecar."""
