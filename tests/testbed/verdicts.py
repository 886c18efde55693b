"""Expected-verdict lists: what the benchmark says for a host, written down once and diffed.

A list has one `check-id status` per line, optionally followed by `# why`; blank lines and lines
starting with `#` are comments. A comment starting with `xfail:` marks a verdict that today's
check gets wrong: the line holds the right verdict and the tests expect that check to fail, with
the rest of the comment as the reason. Used by tests/integration/test_stock_debian.py and by
tests/testbed/expected-verdicts.
"""
import difflib
import re

_LINE = re.compile(r"^(\S+)\s+(\S+)\s*(?:#\s*(.*))?$")


class Expected:
    def __init__(self, status, comment):
        self.status = status
        self.comment = comment or ""

    @property
    def xfail(self):
        """The reason today's check gets this verdict wrong, or None."""
        if self.comment.startswith("xfail:"):
            return self.comment[len("xfail:"):].strip()
        return None


def parse(path):
    """check id -> Expected, in file order; a malformed line raises naming file and line."""
    expected = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            m = _LINE.match(text)
            if not m or m.group(1) in expected:
                raise ValueError(f"{path}:{number}: expected a new 'check-id status [# why]'")
            expected[m.group(1)] = Expected(m.group(2), m.group(3))
    return expected


def header(path):
    """The comment lines at the top of a list (its explanation), kept when it is regenerated."""
    lines = []
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            lines.append(line)
    return "".join(lines)


def statuses(host_record):
    """check id -> status of one host of a cisscan record."""
    return {r["check_id"]: r["status"] for r in host_record["results"]}


def diff(expected, actual, label="expected"):
    """A unified diff of `id status` lines, expected against what the scan gave."""
    def lines(pairs):
        return [f"{check} {status}\n" for check, status in sorted(pairs.items())]
    return "".join(difflib.unified_diff(
        lines({k: v.status for k, v in expected.items()}), lines(actual), label, "scanned"))


def regenerate(expected, actual):
    """The list for the verdicts of `actual`, keeping the comments of `expected` where the
    verdict still holds and flagging every line a reviewer must justify."""
    out = []
    for check in sorted(set(expected) | set(actual)):
        old = expected.get(check)
        now = actual.get(check)
        if now is None:
            out.append(f"# REMOVED from the catalog: {check} {old.status}")
        elif old is None:
            out.append(f"{check} {now}  # NEW: justify against the benchmark")
        elif old.xfail is not None:
            # The written verdict is the right one; today's check still disagrees or was fixed.
            note = "" if now != old.status else "  (FIXED today: drop the xfail)"
            out.append(f"{check} {old.status}  # {old.comment}{note}")
        elif now != old.status:
            out.append(f"{check} {now}  # CHANGED from {old.status}: justify ({old.comment})")
        else:
            out.append(f"{check} {now}" + (f"  # {old.comment}" if old.comment else ""))
    return "\n".join(out) + "\n"
