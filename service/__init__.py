"""The Styrkoll web service (Flask). It is built in a later issue; `checks` is usable on its own."""
