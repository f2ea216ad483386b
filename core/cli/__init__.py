"""Operations: the command line (`python -m core.cli`), the demo district, synthetic data, and
getting the database ready when the app starts."""
