"""The rules, by family (guard.policy.rules.catalog lists them all; guard.policy.rules.registry says how one is written)."""
