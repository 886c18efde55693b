"""dev/code-shape, which the code_shape ctest entry runs on scanner/ and reports/, finds what it
is there to find: a file over 400 lines and a function over 80, and not a table initializer."""
import os
import subprocess

from conftest import SOURCE

TOOL = os.path.join(SOURCE, "dev", "code-shape")


def run(folder):
    return subprocess.run(["/usr/bin/python3", TOOL, str(folder)], capture_output=True, text=True)


def test_a_long_function_and_a_long_file_are_reported(tmp_path):
    body = "\n".join(f"  x += {i};" for i in range(85))
    (tmp_path / "long.cpp").write_text(
        "namespace a {\n\nint f(int x) {\n" + body + "\n  return x;\n}\n\n"
        "int g() {\n  return 1;\n}\n\n} // namespace a\n")
    (tmp_path / "big.hpp").write_text("// filler\n" * 401)
    proc = run(tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(line.endswith("big.hpp: 401 lines (at most 400)") for line in lines)
    assert any("long.cpp:3: f: 88 lines (at most 80)" in line for line in lines)
    assert not any(": g:" in line for line in lines)


def test_tables_classes_and_short_functions_pass(tmp_path):
    rows = "\n".join(f'    {{"row{i}", {i}}},' for i in range(90))
    (tmp_path / "table.cpp").write_text(
        "namespace a {\n\nstruct Row {\n  const char* name;\n  int n;\n};\n\n"
        "const std::vector<Row> k_rows = {\n" + rows + "\n};\n\n"
        "class C {\npublic:\n  int f() const {\n    return 1;\n  }\n};\n\n} // namespace a\n")
    proc = run(tmp_path)
    assert proc.returncode == 0, proc.stdout
