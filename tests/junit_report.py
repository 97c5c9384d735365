#!/usr/bin/env python3
"""Test cases of the test scripts that are not GoogleTest binaries (tests/regression/run.sh,
tests/versions/run.sh, tools/fuzz.sh), as a JUnit report that tools/test_summary.py counts like
any other test.

    junit_report.py add CHECKS.jsonl NAME ok|fail MESSAGE   records one case (a JSON line)
    junit_report.py write CHECKS.jsonl OUT.xml SUITE        writes the report of suite SUITE
"""
import json
import sys
from xml.sax.saxutils import escape, quoteattr


def add(checks, name, outcome, message):
    with open(checks, "a") as f:
        f.write(json.dumps({"name": name, "ok": outcome == "ok", "message": message}) + "\n")


def write(checks, out_path, suite):
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


if __name__ == "__main__":
    {"add": add, "write": write}[sys.argv[1]](*sys.argv[2:])
