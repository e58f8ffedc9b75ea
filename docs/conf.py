"""Sphinx configuration: the user guide (Markdown, MyST) and the API reference (numpydoc).

Build: ``pip install -e ".[docs]" && sphinx-build -W -b html docs docs/_build/html``
(``-W``: a warning fails the build, as in CI).
"""

import skreg

project = "skreg"
author = "the skreg developers"
copyright = "2026, the skreg developers"
release = skreg.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "figures/study"]
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]  # links to example scripts and figures, not pages
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_default_options = {"members": False}
html_theme = "alabaster"
