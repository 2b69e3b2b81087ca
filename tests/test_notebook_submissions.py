"""Learners hand in notebooks: every path reads them by the notebook's own rules and grades them alike."""
import json
import shutil

import nbformat

from autograder import notebook_source
from autograder.intake import find_submissions
from autograder.batch.runner import BatchOptions, run_batch
from autograder.cli import main
from autograder.paths import SAMPLE_CLASS, SOLUTIONS
from autograder.runner.limits import Limits
from notebook_helpers import code_cell_index, solved_notebook, write_notebook

EX02, EX03, EX06 = "ex02_forward_pass", "ex03_rnnnet", "ex06_training"


def text_of(nb):
    return nbformat.writes(nb).encode()


def solution(module):
    return (SOLUTIONS / f"{module}.py").read_text()


# -- the converter ---------------------------------------------------------------------------------

def test_a_solved_notebook_becomes_the_module_and_is_noted():
    made, notes = notebook_source.notebook_modules([(f"{EX02}.ipynb", text_of(solved_notebook(EX02)))])
    assert set(made) == {EX02} and "def init_hidden" in made[EX02]
    assert notes == [f"{EX02}: graded the tagged code cells of {EX02}.ipynb"]


def test_unreadable_and_untagged_notebooks_are_notes_never_crashes():
    made, notes = notebook_source.notebook_modules([
        (f"{EX02}.ipynb", b"{not json"), (f"{EX03}.ipynb", json.dumps({"cells": [
            {"cell_type": "code", "source": ["def f():\n", "    return 1\n"]}]}).encode()),
        ("scratch.ipynb", b"[]"), ("other.ipynb", text_of(nbformat.v4.new_notebook()))])
    assert made == {}
    assert any(n.startswith(f"{EX02}.ipynb could not be read as a notebook: it is not valid notebook JSON")
               for n in notes), notes
    assert any(n.startswith(f"{EX03} was not graded from {EX03}.ipynb: no cell of {EX03}.py was found")
               for n in notes), notes
    assert len(notes) == 2, notes   # notebooks not named after an exercise and without tags are not ours


def test_a_cell_that_lost_its_tag_line_is_named_with_the_line_to_restore():
    nb = solved_notebook(EX02)
    index = code_cell_index(nb, 4)
    tag = nb.cells[index].source.split("\n", 1)[0]
    nb.cells[index].source = nb.cells[index].source.split("\n", 1)[1]        # the tag line deleted
    made, notes = notebook_source.notebook_modules([(f"{EX02}.ipynb", text_of(nb))])
    assert made == {}
    [note] = notes
    assert f"part 4 of {EX02}.py" in note and "defines `last_output` but lost its first line" in note
    assert f"`{tag}`; restore that line" in note
    nb.cells[index].source = f"# {EX02}.py, part 4 of 6\n" + nb.cells[index].source   # an edited tag line
    _, [note] = notebook_source.notebook_modules([(f"{EX02}.ipynb", text_of(nb))])
    assert f"was edited to `# {EX02}.py, part 4 of 6`; it must be exactly `{tag}`: restore it" in note


def test_names_only_a_scratch_cell_defines_are_named_with_their_cell():
    nb = solved_notebook(EX02)
    index = code_cell_index(nb, 6)
    nb.cells[index].source = nb.cells[index].source.replace("return x.transpose(0, 1)", "return swap(x)")
    nb.cells.insert(index, nbformat.v4.new_code_cell("def swap(t):\n    return t.transpose(0, 1)"))
    made, notes = notebook_source.notebook_modules([(f"{EX02}.ipynb", text_of(nb))])
    assert "swap(x)" in made[EX02]
    assert any("uses `swap`, which only the code cell starting `def swap(t):`" in n and "move `swap` into" in n
               for n in notes), notes


def test_free_names_are_conservative():
    text = "import torch\ndef f(x):\n    y = [i for i in x]\n    return g(y), torch, len(x)"
    assert notebook_source.free_names(text) == {"g"}
    assert notebook_source.free_names("from math import *\nprint(anything)") == set()


# -- intake: which file is graded -----------------------------------------------------------------

def test_intake_reads_notebooks_and_a_py_file_wins(tmp_path):
    cls = tmp_path / "class"
    (cls / "nina").mkdir(parents=True)
    write_notebook(cls / "nina" / "work" / f"{EX02}.ipynb", EX02, solution(EX02))
    (cls / "mo").mkdir()
    (cls / "mo" / f"{EX02}.py").write_text(solution(EX02))
    write_notebook(cls / "mo" / f"{EX02}.ipynb", EX02, solution(EX02).replace("transpose(0, 1)", "view(2, 5)"))
    (cls / "mo" / f"{EX03}.ipynb").write_text("{broken")
    found = {s.name: s for s in find_submissions(cls, exercises=[EX02, EX03]).submissions}
    assert sorted(found["nina"].files) == [f"{EX02}.py"]
    assert f"{EX02}: graded the tagged code cells of work/{EX02}.ipynb" in found["nina"].notes
    assert found["mo"].files[f"{EX02}.py"] == solution(EX02).encode()
    assert f"graded {EX02}.py; {EX02}.ipynb ignored (when both are handed in, the .py file is graded)" \
        in found["mo"].notes
    assert any(n.startswith(f"{EX03}.ipynb could not be read as a notebook") for n in found["mo"].notes)
    # One learner's own folder of notebooks is one learner, not a class.
    alone = find_submissions(cls / "nina" / "work")
    assert [s.name for s in alone.submissions] == ["work"]


# -- the same class as modules and as notebooks ---------------------------------------------------

CLASS = {"ada": "py", "cleo": "ipynb", "dev": "mixed", "finn": "ipynb"}
GRADED = [EX02, EX03]


def test_a_class_of_notebooks_gets_the_gradebook_of_the_same_code_as_modules(tmp_path):
    modules, handed_in = tmp_path / "modules", tmp_path / "notebooks"
    for learner, form in CLASS.items():
        for module in GRADED:
            text = (SAMPLE_CLASS / learner / f"{module}.py").read_text()
            (modules / learner).mkdir(parents=True, exist_ok=True)
            (modules / learner / f"{module}.py").write_text(text)
            as_notebook = form == "ipynb" or (form == "mixed" and module == EX03)
            if as_notebook:
                write_notebook(handed_in / learner / f"{module}.ipynb", module, text)
            else:
                (handed_in / learner).mkdir(parents=True, exist_ok=True)
                (handed_in / learner / f"{module}.py").write_text(text)
    books = {}
    for name, folder in (("modules", modules), ("notebooks", handed_in)):
        out = tmp_path / f"grades-{name}"
        # Generous time limits: a busy test machine must not make one side time out.
        run_batch(BatchOptions(submissions=folder, out=out, jobs=1, exercises=GRADED,
                               limits=Limits(call_seconds=60, submission_seconds=600)))
        books[name] = (out / "gradebook.csv").read_text()
    assert books["notebooks"] == books["modules"]
    assert "cleo" in books["modules"] and books["modules"].count("\n") == len(CLASS) + 1
    feedback = (tmp_path / "grades-notebooks" / "dev" / "feedback.txt").read_text()
    assert f"{EX03}: graded the tagged code cells of {EX03}.ipynb" in feedback


def test_cross_exercise_imports_work_when_the_other_exercise_is_a_notebook(tmp_path):
    # ex06 uses ex03's sequence_mse; the learner's ex03 exists only as a notebook.
    ex06 = solution(EX06).replace("import torch\n", "import torch\nfrom ex03_rnnnet import sequence_mse as _mse\n", 1)
    learner = tmp_path / "class" / "omar"
    write_notebook(learner / f"{EX03}.ipynb", EX03, solution(EX03))
    write_notebook(learner / f"{EX06}.ipynb", EX06, ex06)
    [submission] = find_submissions(tmp_path / "class").submissions
    assert sorted(submission.files) == [f"{EX03}.py", f"{EX06}.py"]
    assert b"from ex03_rnnnet import sequence_mse" in submission.files[f"{EX06}.py"]


def test_check_grades_a_folder_of_notebooks(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    nbformat.write(solved_notebook(EX02), folder / f"{EX02}.ipynb")
    assert main(["check", str(folder), "--exercise", EX02, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["score"] == sum(t["max_score"] for t in document["tests"]) > 0
    assert f"{EX02}: graded the tagged code cells of {EX02}.ipynb" in document["output"]
    shutil.rmtree(folder)


def test_edited_part_counts_and_huge_notebooks_are_notes_that_cost_no_time():
    cells = [{"cell_type": "code", "source": notebook_source.cell_tag(EX02, 1, 10 ** 9) + "\nimport torch"}]
    made, [note] = notebook_source.notebook_modules([(f"{EX02}.ipynb", json.dumps({"cells": cells}).encode())])
    assert made == {} and "the tag lines of ex02_forward_pass.py were edited" in note
    many = json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}] * 6000}).encode()
    made, [note] = notebook_source.notebook_modules([(f"{EX02}.ipynb", many)])
    assert made == {} and "more than the 5000" in note
    deep = "x = " + "(" * 50000 + ")" * 50000
    assert notebook_source.free_names(deep) == set() and notebook_source.top_level_definitions(deep) == set()
