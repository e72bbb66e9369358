"""Outputs: run folders (written whole, read back), figures and reports from tables."""
