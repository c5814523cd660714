"""Streamlit glue shared by the page scripts in ``views/``: one module per concern.

``lib`` never imports ``streamlit``; everything Streamlit-specific that more than one page needs
lives here:

* :mod:`ui.session`: the process-wide store, who is signed in, whether they may edit;
* :mod:`ui.auth`: the sign-in gate and the allow-list;
* :mod:`ui.dataset`: the dataset a session looks at (parsed once per process), first-start
  bootstrap, snapshots;
* :mod:`ui.sidebar`: dataset picker, review period, baseline and filters;
* :mod:`ui.layout`: page title, context caption, empty states, errors;
* :mod:`ui.widgets`: tables and charts with their downloads, drill-down clicks;
* :mod:`ui.aggregates`: ``lib`` aggregates cached per snapshot and filters;
* :mod:`ui.tags`, :mod:`ui.editors`: category tags, trend events, knowledge coverage;
* :mod:`ui.scoring`: ticket sentiment scored once per dataset;
* :mod:`ui.importer`, :mod:`ui.rules_editor`, :mod:`ui.quality`, :mod:`ui.datasets`: the
  Data page;
* :mod:`ui.meetings`: the Review meetings page's tabs.
"""
