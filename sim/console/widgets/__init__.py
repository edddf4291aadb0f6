"""The console's panels: each one shows one part of a ``SessionView`` and nothing else."""
