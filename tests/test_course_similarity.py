"""The similarity report: finds disguised copies, stays quiet among independent solutions, ignores given code,
shows code escaped, and never touches grades."""
from similarity_cases import SUBSTANTIAL, disguise, measure

from autograder.cli import main
from autograder.course.similarity import class_report, compare, given_code, tokens
from autograder.paths import EXERCISES, SOLUTIONS


def test_planted_copies_are_found_and_independent_solutions_raise_no_alarm():
    for module, figures in measure().items():
        assert figures["substantial"] <= figures["found"], (module, figures["missed"])
        assert not figures["false_alarms"], (module, figures["false_alarms"])
        assert figures["substantial"], module  # every exercise has copies worth finding
    # A copy of fewer than SUBSTANTIAL own tokens (a classic one-token mistake) is no evidence of copying.
    assert SUBSTANTIAL >= 40


def test_renamed_names_other_comments_and_layout_leave_the_tokens_alike():
    text = (SOLUTIONS / "ex04_manual_rnn.py").read_text()
    renamed = text.replace("hidden", "state").replace("# ", "# my note: ")
    assert [t for t, _ in tokens(text)] == [t for t, _ in tokens(renamed)]
    assert len(tokens(disguise(text))) > 0.8 * len(tokens(text))


def test_given_code_is_never_evidence():
    skeleton = (EXERCISES / "ex02_forward_pass.py").read_bytes()
    solution = (SOLUTIONS / "ex02_forward_pass.py").read_bytes()
    learners = {f"s{i}": {"ex02_forward_pass.py": skeleton} for i in range(3)}
    learners.update({f"r{i}": {"ex02_forward_pass.py": solution} for i in range(3)})
    (report,) = class_report(learners, ["ex02_forward_pass"])
    assert report.flagged == [] and report.learners == 6
    # Without leaving the given code out, the learners who wrote the reference's code would be alarms.
    assert compare("ex02_forward_pass", {k: v["ex02_forward_pass.py"] for k, v in learners.items()}).flagged


def test_the_command_writes_pairs_side_by_side_escaped(tmp_path, capsys):
    from similarity_cases import style_bank

    text = next(iter(style_bank("ex05_sequences").values()))
    hostile = text + "\n\ndef note():\n    return '</pre><script>alert(1)</script>'\n"
    for name, code in (("amy", hostile), ("bob", disguise(hostile)), ("cat", (SOLUTIONS / "ex05_sequences.py")
                                                                       .read_text())):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "ex05_sequences.py").write_text(code)
    out = tmp_path / "similarity.html"
    assert main(["similarity", str(tmp_path / "class"), "--out", str(out)]) == 0
    assert "ex05_sequences: 3 learners, 1 pairs flagged: amy & bob" in capsys.readouterr().out
    page = out.read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'class="same"' in page and given_code("ex05_sequences")
