"""Tests of the static releases site (``releasetools site``)."""
