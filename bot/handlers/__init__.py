"""Telegram handlers, one module per feature. Each reads as parse → decide → persist → reply."""
