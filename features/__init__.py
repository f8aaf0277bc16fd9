"""The living policy: the rules' Swedish scenarios (Gherkin), run by pytest-bdd and shown on the pages;
shipped with the package as `checks.features`."""
