"""Everything below the screens: settings, data model, rules, computations, demo data."""
