"""Office files: Excel exports and all-or-nothing imports, and the official report in Word."""
