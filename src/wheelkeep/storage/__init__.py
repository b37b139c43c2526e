"""Blob stores: the bytes of files, addressed by their sha256."""
