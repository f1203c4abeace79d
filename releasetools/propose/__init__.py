"""Writing release requests: ``new-release`` appends one entry, byte for byte."""
