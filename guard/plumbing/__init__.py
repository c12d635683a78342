"""Plumbing every layer uses: plain records, paths under HOME and XDG, an on-disk cache."""
