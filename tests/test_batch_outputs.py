"""The batch's files from given results (no grading): feedback, withheld hidden checks, escaping, progress."""
import io
import json
from html.parser import HTMLParser

from autograder.batch import store
from autograder.batch.feedback_file import feedback_text, results_document
from autograder.batch.gradebook import gradebook_text
from autograder.batch.progress import Progress, summary_lines
from autograder.batch.report import report_html
from autograder.batch.runner import BatchOptions, BatchOutcome
from autograder.runner.results import CheckResult, SubmissionResult

HIDDEN_FEEDBACK = "Called:   init_hidden(nn.RNN(7, 3, num_layers=2, batch_first=True), 4)\nReturned: wrong"


def result(student="alice", notes=()):
    checks = [
        CheckResult("ex02_forward_pass.init_hidden_notebook", "ex02_forward_pass", "init_hidden, notebook sizes",
                    2, 2, False, "passed"),
        CheckResult("ex02_forward_pass.hidden.init_hidden_configs", "ex02_forward_pass",
                    "init_hidden in many configurations", 3, 0, True, "failed",
                    HIDDEN_FEEDBACK + "\nHint:     h0 does not change with batch_first"),
        CheckResult("ex01_rnn_layer.count_parameters_notebook", "ex01_rnn_layer", "count <b>", 2, 0, False,
                    "timeout", "count_parameters(...) did not finish within 3 s"),
    ]
    return SubmissionResult(student=student, checks=checks, notes=list(notes), output="hello from forward\n",
                            seconds=1.5)


def test_feedback_shows_every_check_and_its_message():
    text = feedback_text(result())
    assert "Total: 2 / 7 points" in text
    for name in ("init_hidden_notebook", "hidden.init_hidden_configs", "count_parameters_notebook"):
        assert name in text
    assert HIDDEN_FEEDBACK.splitlines()[0] in text and "took too long" in text
    assert "hello from forward" in text
    document = results_document(result())
    assert [t["visibility"] for t in document["tests"]] == ["visible", "after_published", "visible"]


def test_withheld_hidden_checks_leave_no_trace_but_still_count():
    text = feedback_text(result(), withhold_hidden=True)
    assert "init_hidden_configs" not in text and "num_layers=2" not in text and "batch_first" not in text
    assert "1 further checks worth 3 points" in text and "Visible checks: 2 / 4 points" in text
    document = results_document(result(), withhold_hidden=True)
    assert [t["name"] for t in document["tests"]] == ["ex02_forward_pass.init_hidden_notebook",
                                                      "ex01_rnn_layer.count_parameters_notebook"]
    assert [t["number"] for t in document["tests"]] == ["1", "2"]
    assert "num_layers=2" not in json.dumps(document)
    assert document["score"] == 2
    gradebook = gradebook_text([result()], ["ex01_rnn_layer", "ex02_forward_pass"])
    assert gradebook.splitlines() == ["student,total,max_total,ex01_rnn_layer,ex02_forward_pass",
                                      "alice,2,7,0,2"]


def test_results_round_trip_through_plain_data():
    data = json.loads(json.dumps(result().to_dict()))
    again = SubmissionResult.from_dict(data)
    assert again.checks == result().checks and again.total == 2 and again.seconds == 1.5


def test_report_escapes_learner_text():
    evil = "<script>alert(1)</script>"
    outcome = BatchOutcome(results=[result("bob", notes=[evil])], graded=["bob"], seconds=1.0,
                           isolation_warning="learner code runs without a sandbox & more",
                           class_notes=[f"refused the entry '{evil}.py'"])
    page = report_html(outcome, BatchOptions(submissions=None, out=None))
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert page.count("<script>") == 1  # the page's own sorting script, nothing a learner wrote
    assert "count &lt;b&gt;" in page
    assert "without a sandbox &amp; more" in page
    parser = HTMLParser()
    parser.feed(page)
    parser.close()


def test_learner_names_and_texts_that_look_like_markup_or_templates_render_inert():
    """Jinja2 renders the report: a learner's name, notes, output and feedback are data, never markup or
    template code, wherever they appear (links, tooltips, titles, folded texts, the feedback block)."""
    name = "<script>alert(1)</script>{{ 'ha' * 3 }}{% if true %}x{% endif %}"
    text = "<img src=x onerror=alert(2)> {{ config }} {% raw %} \" onmouseover=\"alert(3)"
    evil = SubmissionResult(student=name, notes=[text], output=text, checks=[
        CheckResult("ex02_forward_pass.init_hidden_notebook", "ex02_forward_pass", text, 2, 0, False, "failed",
                    f"Called:   init_hidden({text})\nHint: {text} " + "x" * 100),
        CheckResult("ex01_rnn_layer.count_parameters_notebook", "ex01_rnn_layer", "title", 1, 0, False, "error",
                    "importing ex01_rnn_layer.py raised " + text)])
    outcome = BatchOutcome(results=[evil, result("bob")], graded=[name, "bob"], seconds=1.0, class_notes=[text],
                           folders={name: "evil", "bob": "bob"})
    page = report_html(outcome, BatchOptions(submissions=None, out=None))
    assert page.count("<script") == 1 and "<img" not in page.replace("<img alt=", "")
    assert "onerror" not in page.replace("onerror=alert(2)&gt;", "")   # only ever inside escaped text
    assert '" onmouseover' not in page and "&#34; onmouseover" in page
    assert "{{ &#39;ha&#39; * 3 }}{% if true %}x{% endif %}" in page and "hahaha" not in page  # not evaluated
    assert "{{ config }} {% raw %}" in page
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert not any(name.startswith("on") for _, attributes in parser.tags for name, _ in attributes)
    assert [tag for tag, _ in parser.tags].count("script") == 1


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere():
    plain = io.StringIO()
    progress = Progress(2, plain, live=False)
    progress.update(result("alice"))
    progress.update(result("bob"), reused=True)
    progress.finish()
    assert plain.getvalue().splitlines() == ["[1/2] alice: 2/7 (1.5 s)", "[2/2] bob: 2/7 (already graded, kept)"]
    live = io.StringIO()
    progress = Progress(2, live, live=True)
    progress.update(result("alice"))
    progress.finish()
    assert live.getvalue().startswith("\r[############------------] 1/2  alice 2/7")
    assert live.getvalue().endswith("\n")


def test_outputs_are_written_atomically(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    store.write_atomically(target, "old")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", broken_replace)
    try:
        store.write_atomically(target, "new")
    except OSError:
        pass
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]  # no half-written temporary left


def test_summary_counts_problems_and_shows_the_isolation_warning_once():
    crashed = result("carl")
    crashed.checks[0].status = "crash"
    lines = summary_lines([result("alice"), crashed], 12.3, reused=1,
                          isolation_warning="learner code runs without bubblewrap")
    text = "\n".join(lines)
    assert "Graded 2 learners (1 kept from an earlier run) in 12 s." in text
    assert "mean 2.0, median 2 (of 7 points)" in text
    assert "crashed: 1; timed out: 2; grader errors: 0" in text
    assert text.count("learner code runs without bubblewrap") == 1


# -- the report's root causes ---------------------------------------------------------------------

def _check(name, status, feedback="", points=1):
    exercise = name.split(".", 1)[0]
    return CheckResult(name, exercise, f"about {name}", points, points if status == "passed" else 0,
                       ".hidden." in name, status, feedback)


def test_a_module_that_does_not_import_is_one_cause_and_named_mistakes_merge_across_checks():
    from autograder.batch.report import causes

    broken = "importing ex02_forward_pass.py raised SyntaxError: expected ':' (ex02_forward_pass.py, line 60) " \
             "at ex02_forward_pass.py line 60: `def f(x)`. Fix it first: nothing in that file can be graded"
    gus = SubmissionResult("gus", checks=[_check(f"ex02_forward_pass.{n}", "error", broken)
                                          for n in ("init_hidden_notebook", "hidden.init_hidden_configs",
                                                    "to_batch_first_notebook")]
                           + [_check("ex01_rnn_layer.count_parameters_notebook", "passed")])
    bias = ("Called:   count_parameters(2, 5, num_layers=1)\nHint:     you counted one bias vector; nn.RNN has two "
            "per direction (b_ih and b_hh)")
    bias_hidden = ("Called:   count_parameters(input_size=4, hidden_size=10)\nHint:     you counted one bias vector "
                   "per direction; nn.RNN has two (b_ih and b_hh)")
    other = "Called:   count_parameters(2, 5)\nHint:     layers >= 1 read hidden * num_directions features"
    jade = SubmissionResult("jade", checks=[_check("ex01_rnn_layer.count_parameters_notebook", "failed", bias),
                                            _check("ex01_rnn_layer.hidden.count_parameters_configs", "failed",
                                                   bias_hidden)])
    kim = SubmissionResult("kim", checks=[_check("ex01_rnn_layer.count_parameters_notebook", "failed", bias),
                                          _check("ex01_rnn_layer.hidden.count_parameters_configs", "failed", other)])
    machine = SubmissionResult("max", checks=[_check("ex01_rnn_layer.count_parameters_notebook", "crash",
                                                     "the grading worker could not start (...); this is a problem "
                                                     "of the grading machine, not of your code")])
    hang = "importing ex03_rnnnet.py did not finish within 10 s (an endless loop, or far too much work?). " \
           "Module-level code runs on import: keep demos under `if __name__ == \"__main__\":`"
    ola = SubmissionResult("ola", checks=[_check("ex03_rnnnet.structure_notebook", "timeout", hang),
                                          _check("ex03_rnnnet.forward_notebook", "error", hang),
                                          _check("ex04_manual_rnn.rnn_cell_notebook", "error",
                                                 "not run: this submission used up its 300 s of grading time")])
    assert [b.headline for b in causes.learner_view(ola, "ola").blockers] == \
           ["ex03_rnnnet.py does not import", "ex04_manual_rnn not run: out of grading time"]
    assert causes.learner_view(ola, "ola").blockers[0].checks == 2
    assert not causes.crashed(ola)  # an import that hangs is a time-out, not a crash
    todo = "to_batch_first(x with shape (5, 2, 2)): not implemented yet (it still raises NotImplementedError)"
    cleo = SubmissionResult("cleo", checks=[_check("ex02_forward_pass.to_batch_first_notebook", "not_implemented", todo),
                                            _check("ex02_forward_pass.hidden.to_batch_first_configs", "not_implemented",
                                                   todo),
                                            _check("ex02_forward_pass.last_output_notebook", "not_implemented",
                                                   todo.replace("to_batch_first", "last_output")),
                                            _check("ex02_forward_pass.init_hidden_notebook", "passed")])
    unfinished = causes.other_groups([causes.learner_view(cleo, "cleo")])
    assert [(g.kind, g.subject, g.texts) for g in unfinished] == \
           [("not_implemented", "ex02_forward_pass", ["to_batch_first", "last_output"])]
    assert causes.learner_view(cleo, "cleo").reasons() == \
           ["ex02_forward_pass: to_batch_first, last_output not implemented yet"]
    views = [causes.learner_view(r, r.student) for r in (gus, jade, kim, machine)]
    assert [(b.kind, b.subject, b.checks, b.detail) for b in views[0].blockers] == \
           [("import", "ex02_forward_pass", 3, "SyntaxError: expected ':' (line 60) at line 60: `def f(x)`")]
    assert views[0].reasons() == ["ex02_forward_pass.py does not import: SyntaxError: expected ':' (line 60) at "
                                  "line 60: `def f(x)`"]
    assert [b.kind for b in views[3].blockers] == ["grader"]  # the machine's failure, not the learner's crash
    blocked = causes.blocked_groups(views)
    assert [(g.kind, [v.name for v in g.learners]) for g in blocked] == [("grader", ["max"]), ("import", ["gus"])]
    mistakes = causes.mistake_groups(views)
    # One misconception for both wordings of the bias hint (public and hidden), ranked by learners.
    assert [([v.name for v in g.learners], g.subject) for g in mistakes] == \
           [(["jade", "kim"], "count_parameters"), (["kim"], "count_parameters")]
    assert mistakes[0].example.startswith("you counted one bias vector") and len(mistakes[0].texts) == 2
    rates = {r["name"]: r for r in causes.check_rates(views)}
    assert rates["ex02_forward_pass.init_hidden_notebook"] == dict(
        rates["ex02_forward_pass.init_hidden_notebook"], graded=0, failed=0, blocked=1, who=[])
    assert [v.name for v in rates["ex01_rnn_layer.count_parameters_notebook"]["who"]] == ["jade", "kim"]
    assert summary_lines([gus, jade], 1.0)[2] == "Learners whose code crashed: 1; timed out: 0; grader errors: 0."


def test_gradebook_keeps_names_and_never_starts_a_cell_with_a_formula():
    from autograder.batch.gradebook import learners_text

    text = gradebook_text([result("Zoë O'Brien (2)"), result("=HYPERLINK(1)")], ["ex01_rnn_layer"])
    assert text.splitlines()[1:] == ["'=HYPERLINK(1),2,7,0", "Zoë O'Brien (2),2,7,0"]
    assert learners_text({"Zoë O'Brien (2)": "Zoë_O_Brien_2"}) == "student,folder\nZoë O'Brien (2),Zoë_O_Brien_2\n"


def test_a_time_out_that_hits_most_of_the_class_points_at_the_machine():
    slow = "plot_weights(nn.RNN(2, 5)) did not finish within 3 s (an endless loop, or far too much work?)"
    class_ = [SubmissionResult(name, checks=[_check("ex01_rnn_layer.plot_weights_notebook", "timeout", slow)])
              for name in ("a", "b", "c", "d")] + [SubmissionResult("e", checks=[
                  _check("ex01_rnn_layer.plot_weights_notebook", "passed")])]
    page = report_html(BatchOutcome(results=class_, seconds=1.0), BatchOptions(submissions=None, out=None))
    assert "Check the grading machine:</strong> plot_weights timed out for 4 of 5 learners" in page
    one = [class_[0], class_[4], SubmissionResult("f"), SubmissionResult("g")]
    assert "Check the grading machine" not in report_html(BatchOutcome(results=one, seconds=1.0),
                                                          BatchOptions(submissions=None, out=None))
