#!/usr/bin/env python3
"""Writes a JUnit report from checks recorded one JSON object per line.

    junit_report.py CHECKS.jsonl OUT.xml SUITE

Each line is {"name": ..., "ok": true|false, "message": ...}: one test case of suite SUITE.
Used by the test scripts that are not GoogleTest binaries (tests/regression/run.sh,
tools/fuzz.sh), so that tools/test_summary.py counts their checks like any other test.
"""
import json
import sys
from xml.sax.saxutils import escape, quoteattr

checks, out_path, suite = sys.argv[1], sys.argv[2], sys.argv[3]
cases = [json.loads(line) for line in open(checks) if line.strip()]
failures = sum(not c["ok"] for c in cases)
with open(out_path, "w") as out:
    out.write(f'<testsuites><testsuite name={quoteattr(suite)} tests="{len(cases)}" '
              f'failures="{failures}">\n')
    for c in cases:
        out.write(f'<testcase name={quoteattr(c["name"])} classname={quoteattr(suite)}>')
        if not c["ok"]:
            out.write(f'<failure message={quoteattr(c["message"][:500])}>'
                      f'{escape(c["message"])}</failure>')
        out.write("</testcase>\n")
    out.write("</testsuite></testsuites>\n")
