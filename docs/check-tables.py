#!/usr/bin/python3
# gst-mediaedge
# Copyright (C) 2026 gst-mediaedge contributors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.

"""Checks that Markdown pages name every property and action signal of the
element, and none it does not have, against gst_plugins_cache.json.

    check-tables.py CACHE.json PAGE.md...

In each page, the tables whose first column is headed `property` (or
`signal`) are read: each backquoted name in that column counts. Every
property and signal of the cache must be in such a table of each page, and
every name in them must be in the cache.
"""

import json
import re
import sys


def table_names(path, heading):
    """The backquoted names in the first column of the tables of @path whose
    first column is headed @heading."""
    names = set()
    in_table = False
    with open(path, encoding="utf8") as f:
        for line in f:
            cells = [cell.strip() for cell in line.strip().strip("|")
                     .split("|")] if line.lstrip().startswith("|") else None
            if cells is None:
                in_table = False
            elif not in_table:
                in_table = cells[0] == heading
            elif not set(cells[0]) <= set("-: "):
                names.update(re.findall(r"`([a-z][a-z0-9-]*)`", cells[0]))
    return names


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf8") as f:
        cache = json.load(f)

    elements = [element for plugin in cache.values()
                for element in plugin["elements"].values()]
    known = {
        "property": {name for element in elements
                     for name in element.get("properties", {})},
        "signal": {name for element in elements
                   for name in element.get("signals", {})},
    }

    failures = []
    for page in sys.argv[2:]:
        for heading, names in known.items():
            listed = table_names(page, heading)
            for name in sorted(names - listed):
                failures.append(f"{page}: {heading} {name} is in no "
                                f"`{heading}` table")
            for name in sorted(listed - names):
                failures.append(f"{page}: {heading} {name} is not the "
                                f"element's (gst_plugins_cache.json)")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
