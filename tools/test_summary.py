#!/usr/bin/env python3
"""Prints "N passed, N failed[, N skipped]" over every GoogleTest case of a meson test run.

A test binary that produced no XML report (it crashed or timed out) counts as one failure, so
the line never looks better than the run was. Exits 1 when anything failed.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

results_dir, testlog = sys.argv[1], sys.argv[2]
passed = failed = skipped = 0
reported = set()
for name in sorted(os.listdir(results_dir)):
    if not name.endswith(".xml"):
        continue
    reported.add(name[:-4])
    for case in ET.parse(os.path.join(results_dir, name)).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.get("result") == "skipped" or case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
with open(testlog) as f:
    for line in f:
        entry = json.loads(line)
        # meson names tests "<project>:<suite> / <name>"; the binaries are "<name>_test".
        binary = entry["name"].rsplit(" / ", 1)[-1] + "_test"
        if entry["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and binary not in reported:
            print(f"{entry['name']}: {entry['result']} without a test report", file=sys.stderr)
            failed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
