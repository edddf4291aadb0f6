"""Names of the hub's decision policies, known to the exercise layer without importing the model."""

POLICY_NAMES: tuple[str, ...] = ("fifo", "priority", "fair-share")
