"""Styrkoll's library: document model, loading, facts, rule catalogue, engine, findings, CLI.

Where things live: a rule in `rules/<area>.yaml`; facts are derived in `checks/facts.py`; a
finding is built in `checks/findings.py` and rendered in `checks/report.py`.
"""
