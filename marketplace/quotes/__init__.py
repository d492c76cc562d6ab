"""Quotes for custom items (no guaranteed price): asked, quoted, approved by the region's officer, ordered."""
