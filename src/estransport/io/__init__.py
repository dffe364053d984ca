"""Readers, writers and downloads for the raw and intermediate formats."""
