#!/usr/bin/env python3
"""Placeholder replaced by the corrupt-ELF generator (see issue 6)."""
import sys
sys.exit(0)
