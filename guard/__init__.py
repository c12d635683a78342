"""guard: keep an AI coding agent's AWS CLI calls on the right account."""
__version__ = "0.1.0"
