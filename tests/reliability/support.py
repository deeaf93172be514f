"""What the reliability tests share."""

from __future__ import annotations

CONTRACT = "BTC-USDT"
# Lines for the "reliability figures" section of the terminal summary (see conftest.py).
FIGURES: list[str] = []
