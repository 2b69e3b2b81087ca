"""Learners' notebooks run in a real Jupyter kernel: what the grading cell tells a learner who strays.

One kernel session walks through what learners do: import another exercise that
exists only as a notebook, lose a cell's tag line, use a helper from a scratch
cell, and grade ex06 when it imports ex03's notebook.
"""
import nbformat
from nbclient import NotebookClient

from autograder.exports import notebooks
from autograder.notebook_source import tag_of
from export_helpers import ROOT
from notebook_helpers import solved_notebook

EX02, EX03, EX06 = "ex02_forward_pass", "ex03_rnnnet", "ex06_training"


def solved_cells(module):
    return [c.source for c in solved_notebook(module).cells if c.cell_type == "code" and tag_of(c.source)]


def outputs_of(cell):
    text = []
    for output in cell.get("outputs", []):
        assert output.output_type != "error", output
        text.append(output.get("text", "") or str(output.get("data", {}).get("text/plain", "")))
    return "".join(text)


def test_one_kernel_session_of_a_learner_who_strays(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nbformat.write(solved_notebook(EX03), tmp_path / f"{EX03}.ipynb")   # ex03 handed in as a notebook only
    ex02 = solved_cells(EX02)
    untagged_part4 = ex02[3].split("\n", 1)[1]
    scratch_helper = "def swap(t):\n    return t.transpose(0, 1)"
    uses_helper = ex02[5].replace("return x.transpose(0, 1)", "return swap(x)")
    ex06 = solved_cells(EX06)
    ex06[0] = ex06[0] + "\nfrom ex03_rnnnet import sequence_mse"
    ex06 = [c.replace("loss = nn.functional.mse_loss(predictions, Y)", "loss = sequence_mse(net, X, Y)") for c in ex06]
    assert "sequence_mse(net, X, Y)" in "".join(ex06)
    grade = "from autograder.exports.inline import check\nprint('RESULT', check({!r}))"
    steps = ([notebooks.SETUP_CELL, f"from {EX03} import RNNnet\nprint('IMPORTED', RNNnet.__module__)"]
             + ex02[:3] + [untagged_part4] + ex02[4:] + [grade.format(EX02)]          # lost tag line
             + [ex02[3], scratch_helper, uses_helper, grade.format(EX02)]              # restored; scratch name
             + ex06 + [grade.format(EX06)])                                            # ex06 imports ex03's notebook
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in steps])
    nb.metadata["kernelspec"] = dict(notebooks.KERNELSPEC)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = [outputs_of(cell) for cell in nb.cells]
    assert f"IMPORTED {EX03}" in printed[1]
    graded = [text for text in printed if "RESULT" in text]
    assert len(graded) == 3, printed
    lost, scratch, trained = graded
    assert "Not graded: part 4 of ex02_forward_pass.py" in lost and "lost its first line" in lost
    assert "RESULT None" in lost
    assert "uses `swap`, which only the code cell starting `def swap(t):`" in scratch
    assert "to_batch_first" in scratch and "RESULT (8.0, 10.0)" in scratch    # that check fails, NameError
    total, full = eval(trained.split("RESULT ", 1)[1].strip())
    assert total == full > 0, trained
