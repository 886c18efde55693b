"""The README's command-line block and exit codes against `cisscan --help` and each command's
help, so the two cannot drift apart again."""
import os
import re
import shlex
import subprocess

import pytest

from conftest import BIN, SOURCE

README = os.path.join(SOURCE, "README.md")
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def help_text(*command):
    proc = subprocess.run([BIN, *command, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def help_options(*command):
    """The long options the binary's help lists (its own --help aside)."""
    options = set()
    for line in help_text(*command).splitlines():
        match = re.match(r"^  (?:-\w,)?(--[a-z][a-z0-9-]*)", line)
        if match:
            options.add(match.group(1))
    return options - {"--help"}


def help_commands():
    text = help_text()
    block = text.split("Subcommands:", 1)[1].split("\n\n", 1)[0]
    return {line.split()[0] for line in block.strip().splitlines()}


def readme_section(title):
    text = open(README).read()
    return text.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0]


def readme_usage():
    """README's usage block: command -> the long options its entry shows (an entry runs from a
    line starting with `cisscan` to the next one); `[gate options ...]` stands for gate's."""
    block = readme_section("Command line").split("```\n", 2)[1]
    entries = {}
    current = None
    for line in block.splitlines():
        if line.startswith("cisscan "):
            current = line.split()[1]
            entries[current] = ""
        entries[current] += " " + line
    usage = {command: set(LONG_OPTION.findall(text)) for command, text in entries.items()}
    for command, text in entries.items():
        if "gate options" in text:
            usage[command] |= usage["gate"]
    return usage, entries


def test_readme_lists_every_command_of_the_binary():
    usage, _ = readme_usage()
    assert set(usage) - {"--help"} == help_commands()


@pytest.mark.parametrize("command", sorted(help_commands()))
def test_readme_options_of_each_command_are_those_of_its_help(command):
    usage, _ = readme_usage()
    documented = usage[command]
    actual = help_options(command)
    assert documented - actual == set(), f"README shows options `cisscan {command}` lacks"
    assert actual - documented == set(), f"`cisscan {command}` has options README leaves out"


def test_readme_global_options_are_those_of_the_binary():
    _, entries = readme_usage()
    line = entries["--help"]
    text = help_text()
    for short, long in (("-q", "--quiet"), ("-v", "--verbose")):
        assert f"{short},{long}" in text
        assert re.search(rf"(?<![\w-]){short}(?![\w-])", line), f"README's usage lacks {short}"
    assert "--version" in line and "--version" in text
    # What -q keeps, in both words.
    assert "warnings" in line and "Log warnings and errors only" in text


def test_readme_exit_codes_match_the_help():
    table = readme_section("Exit codes")
    readme = dict(re.findall(r"^\| (\d) \| (.+) \|$", table, re.M))
    footer = help_text().split("Exit codes:", 1)[1]
    binary = dict(re.findall(r"^  (\d)  (.+)$", footer, re.M))
    assert set(readme) == set(binary) == {"0", "1", "2", "3"}
    for code in readme:
        first_words = " ".join(binary[code].split()[:3])
        assert first_words in readme[code], (code, binary[code], readme[code])
    assert "cisscan lint: 0 clean, 1 problems found, 2 could not run" in footer
    assert "`cisscan lint`: 0 clean, 1 problems found, 2 could not run" in table


def test_readme_format_names_and_files_match_the_binary():
    """Each --format the binary takes is in the README with the file it writes, and the help of
    `scan` and `report` names the same formats."""
    formats = {"json": "report.json", "junit": "report.xml", "html": "report.html",
               "md": "report.md", "csv": "findings.csv", "prom": "cisscan.prom"}
    text = open(README).read()
    for name, file in formats.items():
        assert f"`{name}`" in text and f"`{file}`" in text, name
    for command in ("scan", "report", "merge"):
        assert "json,junit,html,md,csv,prom" in help_text(command), command


RECORD = os.path.join(SOURCE, "tests", "golden", "records", "fleet.json")


def test_the_files_each_format_writes_are_those_the_readme_names(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([BIN, "report", RECORD, "--format", "json,junit,html,md,csv,prom",
                           "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(out)) == sorted(
        ["report.json", "report.xml", "report.html", "report.md", "findings.csv", "cisscan.prom"])


def test_report_writes_where_the_readme_says_by_default(tmp_path):
    """README: `report` writes report.html into the current folder unless --out says otherwise."""
    text = " ".join(open(README).read().split())
    assert "`report` writes `report.html` into the current folder" in text
    proc = subprocess.run([BIN, "report", RECORD], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path) == ["report.html"]


def test_readme_ig1_coverage_table_is_what_list_safeguards_prints():
    """The README's IG1 coverage table is `cisscan list safeguards --ig 1 --format md` for the
    shipped catalog. After a catalog change, paste that command's output over the table."""
    proc = subprocess.run([BIN, "list", "safeguards", "--ig", "1", "--format", "md"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    section = readme_section("IG1 coverage")
    assert proc.stdout in section, (
        "README's IG1 coverage table differs from `cisscan list safeguards --ig 1 --format md`")
    assert proc.stdout.count("\n| ") == 1 + 56  # the header and the 56 IG1 safeguards


def test_readme_selection_examples_are_selections_the_binary_takes():
    """Each example command of the README's profiles section previews without an error."""
    block = readme_section("Profiles: which checks run").split("```sh\n", 1)[1].split("```")[0]
    for line in block.splitlines():
        args = shlex.split(line.split("#")[0].replace("...", ""))[1:]
        args = ["list", "checks", *args[1:]] if args[0] == "scan" else args
        proc = subprocess.run([BIN, *args], capture_output=True, text=True)
        assert proc.returncode == 0 and proc.stdout, (line, proc.stderr)
