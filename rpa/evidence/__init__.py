"""Tamper-evident evidence: signing keys, the hash chain of attempt manifests, signed checkpoints,
offline verification and export bundles (see docs/evidence.md)."""
