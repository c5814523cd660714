"""Bugs for product: groups of tickets describing the same defect (:mod:`lib.bugs.groups`),
drafts of bug reports for a product team (:mod:`lib.bugs.drafts`: Jira CSV, GitHub Markdown),
and escalations by linked engineering issue (:mod:`lib.bugs.links`).

Pure functions (numpy, scipy.sparse, Polars); no network, no trained models.
"""

from lib.bugs.drafts import Draft, draft, github_markdown, jira_csv
from lib.bugs.groups import BugGroups, find_groups
from lib.bugs.links import by_issue, issue_links, link_columns

__all__ = [
    "BugGroups",
    "Draft",
    "by_issue",
    "draft",
    "find_groups",
    "github_markdown",
    "issue_links",
    "jira_csv",
    "link_columns",
]
