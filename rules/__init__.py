"""The rule catalogue as package data: `checks.rules` (see pyproject.toml, `package-dir`)."""
