"""The Sage sidecar: a gRPC server that runs SageMath code in warm worker processes."""
