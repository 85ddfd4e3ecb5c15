"""The conformance suite: Schemathesis and Hypothesis against any Deployments API server."""
