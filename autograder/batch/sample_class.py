"""Build the sample class in ``examples/class/`` from ``solutions/`` (one source of truth).

Each sample learner is the reference solutions, or the learners' skeleton generated
from them, plus small named edits that reproduce one thing a real class hands in:
full marks, full marks in another style, partial work, classic mistakes, a syntax
error, an import-time crash, an endless loop, a missing module, a zip.

The builder takes whatever exercise modules ``solutions/`` holds; an edit for a module
that does not exist yet is skipped, an edit whose text is no longer in its module
stops the build (the sample would silently stop showing its mistake otherwise).
A test rebuilds the class and fails when the committed ``examples/class/`` drifts.

    python -m autograder.batch.sample_class            # rewrite examples/class/ and examples/README.md
    python -m autograder.batch.sample_class --check    # exit 1 if they drifted
"""
import argparse
import io
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..exercises import MODULES
from ..generate import skeleton_text
from ..paths import EXAMPLES, SAMPLE_CLASS, SOLUTIONS

# A fixed timestamp makes the zip byte-for-byte reproducible.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class SampleLearner:
    name: str
    shows: str                                  # what this learner demonstrates, for examples/README.md
    edits: dict = field(default_factory=dict)   # module -> [(old text, new text), ...] on the solution
    skeleton: tuple = ()                        # modules handed in as the untouched skeleton
    drop: tuple = ()                            # modules not handed in
    folder: str = ""                            # a sub-folder the files sit in (platforms nest them)
    zipped: bool = False                        # handed in as <name>.zip holding a folder <name>/


def _unsolved(body):
    """An edit that turns one solved body back into the skeleton's stub."""
    return (body, "    raise NotImplementedError()\n")


COUNT_BODY = ("    num_directions = 2 if bidirectional else 1\n"
              "    per_direction_bias = 2 * hidden_size if bias else 0\n"
              "    first = hidden_size * input_size + hidden_size * hidden_size + per_direction_bias\n"
              "    later = hidden_size * hidden_size * num_directions + hidden_size * hidden_size + per_direction_bias\n"
              "    return int(num_directions * (first + (num_layers - 1) * later))\n")

LEARNERS = (
    SampleLearner("ada", "full marks: the reference solutions as they are"),
    SampleLearner(
        "ben", "full marks in another style: permute, select, new_zeros, a count built from the shapes, "
               "extra attributes and printing",
        edits={
            "ex01_rnn_layer": [
                ("import torch\n", "import math\n\nimport torch\n"),
                (COUNT_BODY, "    shapes = expected_weight_shapes(input_size, hidden_size, num_layers, bias, "
                             "bidirectional)\n    return sum(math.prod(shape) for shape in shapes.values())\n")],
            "ex02_forward_pass": [
                ("    return x.transpose(0, 1)\n", "    return x.permute(1, 0, 2)\n"),
                ("    return output[:, -1] if batch_first else output[-1]\n",
                 "    time_axis = 1 if batch_first else 0\n    return output.select(time_axis, -1)\n"),
                ("    weight = next(rnn.parameters())\n"
                 "    return torch.zeros(rnn.num_layers * num_directions, batch_size, rnn.hidden_size,\n"
                 "                       dtype=weight.dtype, device=weight.device)\n",
                 "    shape = (rnn.num_layers * num_directions, batch_size, rnn.hidden_size)\n"
                 "    return rnn.weight_hh_l0.new_zeros(shape)\n")],
            "ex03_rnnnet": [
                ("        self.out = nn.Linear(num_hidden, output_size)\n",
                 "        self.out = nn.Linear(num_hidden, output_size)\n        self.calls = 0  # my own counter\n"),
                ("            hidden = x.new_zeros(self.num_layers, batch, self.num_hidden)\n",
                 "            hidden = torch.zeros(self.num_layers, batch, self.num_hidden, dtype=x.dtype, "
                 "device=x.device)\n        self.calls += 1\n        print(f\"forward call {self.calls}: x is "
                 "{tuple(x.shape)}\")\n"),
                ("    return nn.functional.mse_loss(predictions, y)\n",
                 "    return ((predictions - y) ** 2).mean()\n")]}),
    SampleLearner(
        "cleo", "partial work: ex01 done, two functions of ex02 still to do, the rest not started",
        edits={"ex02_forward_pass": [
            _unsolved("    return x.transpose(0, 1)\n"),
            _unsolved("    num_directions = 2 if rnn.bidirectional else 1\n"
                      "    per_layer = h_n.reshape(rnn.num_layers, num_directions, h_n.shape[-2], h_n.shape[-1])\n"
                      "    top = per_layer[-1]\n    return torch.cat(list(top), dim=-1)\n")]},
        skeleton=tuple(m for m in MODULES if m not in ("ex01_rnn_layer", "ex02_forward_pass"))),
    SampleLearner(
        "dev", "classic mistake: to_batch_first uses view, which scrambles samples and time steps",
        edits={"ex02_forward_pass": [("    return x.transpose(0, 1)\n",
                                      "    return x.view(x.shape[1], x.shape[0], x.shape[2])\n")]}),
    SampleLearner(
        "eve", "classic mistake: h0 laid out like x when batch_first (its shape never changes with batch_first)",
        edits={
            "ex02_forward_pass": [
                ("    return torch.zeros(rnn.num_layers * num_directions, batch_size, rnn.hidden_size,\n",
                 "    if rnn.batch_first:\n"
                 "        return torch.zeros(batch_size, rnn.num_layers * num_directions, rnn.hidden_size,\n"
                 "                           dtype=weight.dtype, device=weight.device)\n"
                 "    return torch.zeros(rnn.num_layers * num_directions, batch_size, rnn.hidden_size,\n")],
            "ex03_rnnnet": [("            batch = x.shape[0] if self.batch_first else x.shape[1]\n",
                             "            batch = x.shape[1]\n")]}),
    SampleLearner(
        "finn", "classic mistake from the notebook: forward sizes h0 from a global batch size",
        edits={"ex03_rnnnet": [
            ("from torch import nn\n", "from torch import nn\n\nbatchsize = 2  # as in the notebook\n"),
            ("            batch = x.shape[0] if self.batch_first else x.shape[1]\n"
             "            hidden = x.new_zeros(self.num_layers, batch, self.num_hidden)\n",
             "            hidden = torch.zeros(self.num_layers, batchsize, self.num_hidden)\n")]}),
    SampleLearner(
        "gus", "a syntax error: nothing in ex02 can be graded until the file imports",
        edits={"ex02_forward_pass": [("def last_output(output, batch_first=False):\n",
                                      "def last_output(output, batch_first=False)\n")]}),
    SampleLearner(
        "hana", "an import-time crash: a demo left at module level fails when ex03 is imported",
        edits={"ex03_rnnnet": [("def sequence_mse(net, X, y):\n",
                                "net = RNNnet(3, 16, 1)\nprint(net(torch.rand(5, 2, 4)))  # try it out\n\n\n"
                                "def sequence_mse(net, X, y):\n")]}),
    SampleLearner(
        "ivan", "an endless loop: count_parameters forgets to advance its loop counter (the time limit stops it)",
        edits={"ex01_rnn_layer": [(COUNT_BODY,
                                   "    num_directions = 2 if bidirectional else 1\n"
                                   "    total, layer = 0, 0\n"
                                   "    while layer < num_layers:\n"
                                   "        layer_input = input_size if layer == 0 else hidden_size * num_directions\n"
                                   "        total += num_directions * hidden_size * (layer_input + hidden_size)\n"
                                   "        if bias:\n"
                                   "            total += num_directions * 2 * hidden_size\n"
                                   "    return total\n")]}),
    SampleLearner(
        "jade", "handed in as a zip (a folder inside); classic mistake: counts one bias vector instead of two",
        edits={"ex01_rnn_layer": [("    per_direction_bias = 2 * hidden_size if bias else 0\n",
                                   "    per_direction_bias = hidden_size if bias else 0\n")]},
        zipped=True),
    SampleLearner(
        "kai", "files nested two folders deep, and ex03 not handed in (it scores 0, with a message)",
        drop=("ex03_rnnnet",), folder="homework/rnn"),
    SampleLearner(
        "lena", "classic mistake: weight shapes written (input, hidden) instead of PyTorch's (out, in)",
        edits={"ex01_rnn_layer": [
            ("            shapes[f\"weight_ih_l{layer}{suffix}\"] = (hidden_size, layer_input)\n",
             "            shapes[f\"weight_ih_l{layer}{suffix}\"] = (layer_input, hidden_size)\n")]}),
)


def learner_files(learner, solutions_dir=SOLUTIONS):
    """{relative path: text} of one sample learner, from the modules ``solutions_dir`` holds."""
    files = {}
    for module in MODULES:
        path = Path(solutions_dir) / f"{module}.py"
        if not path.exists() or module in learner.drop:
            continue
        text = skeleton_text(path) if module in learner.skeleton else path.read_text(encoding="utf-8")
        for old, new in learner.edits.get(module, []):
            if old not in text:
                raise ValueError(f"sample learner {learner.name}: {old!r} is no longer in {module}.py; "
                                 f"update autograder/batch/sample_class.py")
            text = text.replace(old, new, 1)
        relative = f"{learner.folder}/{module}.py" if learner.folder else f"{module}.py"
        files[relative] = text
    return files


def zip_bytes(folder_name, files):
    """A reproducible zip holding ``files`` in ``folder_name/``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, text in sorted(files.items()):
            info = zipfile.ZipInfo(f"{folder_name}/{relative}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def readme_text():
    lines = ["# The sample class",
             "",
             "Generated by `python -m autograder.batch.sample_class` from `solutions/`: edit that script, "
             "not these files.",
             "`rnn-grade batch --out grades` (no SUBMISSIONS) grades `class/`.",
             "",
             "| Learner | What the submission shows |",
             "|---|---|"]
    lines += [f"| {learner.name} | {learner.shows} |" for learner in LEARNERS]
    return "\n".join(lines) + "\n"


def build(class_dir, solutions_dir=SOLUTIONS):
    """Write the sample class into ``class_dir`` (emptied first)."""
    class_dir = Path(class_dir)
    if class_dir.exists():
        shutil.rmtree(class_dir)
    class_dir.mkdir(parents=True)
    for learner in LEARNERS:
        files = learner_files(learner, solutions_dir)
        if learner.zipped:
            (class_dir / f"{learner.name}.zip").write_bytes(zip_bytes(learner.name, files))
            continue
        for relative, text in files.items():
            target = class_dir / learner.name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def snapshot(folder):
    """{relative path: bytes} of every file below ``folder``."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def drift(class_dir=SAMPLE_CLASS, readme=EXAMPLES / "README.md", solutions_dir=SOLUTIONS):
    """Paths that differ between the committed sample class and what the builder makes now."""
    with tempfile.TemporaryDirectory() as scratch:
        build(Path(scratch) / "class", solutions_dir)
        wanted, have = snapshot(Path(scratch) / "class"), snapshot(class_dir) if Path(class_dir).exists() else {}
    stale = sorted(name for name in wanted.keys() | have.keys() if wanted.get(name) != have.get(name))
    if not Path(readme).exists() or Path(readme).read_text(encoding="utf-8") != readme_text():
        stale.append("README.md")
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the sample class in examples/ from solutions/.")
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    args = parser.parse_args(argv)
    if args.check:
        stale = drift()
        for name in stale:
            print(f"drifted: examples/class/{name}" if name != "README.md" else "drifted: examples/README.md")
        return 1 if stale else 0
    build(SAMPLE_CLASS)
    (EXAMPLES / "README.md").write_text(readme_text(), encoding="utf-8")
    print(f"wrote {SAMPLE_CLASS} ({len(LEARNERS)} learners) and {EXAMPLES / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
