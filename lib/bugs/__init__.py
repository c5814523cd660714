"""Bugs for product: groups of tickets describing the same defect, drafts of bug reports for a
product team (Jira CSV, GitHub Markdown), and escalations by linked engineering issue.

Pure functions (numpy, scipy.sparse, Polars); no network, no trained models.
"""

from lib.bugs.groups import BugGroups, find_groups

__all__ = ["BugGroups", "find_groups"]
