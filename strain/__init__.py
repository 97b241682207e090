"""Strain Audit: a daily-activity strain audit for people with low back pain."""
