// Progressive enhancement only: the report is complete without this script.
