"""Feedback without dead ends (issue #13): each message a learner could not act on before, asserted."""
import pytest

from autograder.feedback import Feedback, expect_equal
from conftest import failed_checks

EX02 = "ex02_forward_pass.py"
EX03 = "ex03_rnnnet.py"


def test_a_function_without_return_is_asked_about_return(make_submission, grade):
    folder = make_submission(edit={EX02: [("    return torch.zeros(rnn.num_layers * num_directions",
                                           "    h0 = torch.zeros(rnn.num_layers * num_directions")]})
    failed = failed_checks(grade(folder, exercises=["ex02_forward_pass"], hidden=False), "ex02_forward_pass")
    text = failed["ex02_forward_pass.init_hidden_notebook"]
    assert "Returned: None" in text and "did you forget `return`?" in text, text


def test_dict_answers_show_the_entries_that_differ_never_a_truncated_whole():
    got = {f"key_{i}": i for i in range(30)} | {"batch_first": True}
    want = {f"key_{i}": i for i in range(30)} | {"batch_first": False}
    with pytest.raises(Feedback) as caught:
        expect_equal(got, want, call="f()", concept="why")
    assert caught.value.got == "batch_first=True (the other 30 entries as expected)"
    assert caught.value.expected == "batch_first=False"
    assert "..." not in caught.value.text()


def test_a_crash_in_a_module_level_demo_names_the_module_level_line(make_submission, grade):
    demo = "\n\nnet = RNNnet(3, 16, 1)\nprint(net(torch.rand(5, 2, 4)))\n"
    folder = make_submission(edit={EX03: [("\n\ndef sequence_mse", demo + "\n\ndef sequence_mse")]})
    text = "\n".join(failed_checks(grade(folder, exercises=["ex03_rnnnet"], hidden=False), "ex03_rnnnet").values())
    line = folder.joinpath(EX03).read_text().splitlines().index("print(net(torch.rand(5, 2, 4)))") + 1
    assert f"called from module-level code at ex03_rnnnet.py line {line}: `print(net(torch.rand(5, 2, 4)))`" in text
    assert 'keep demos under `if __name__ == "__main__":`' in text


def test_a_transposed_image_is_reported_on_a_non_square_matrix(make_submission, grade):
    folder = make_submission(edit={"ex01_rnn_layer.py": [("ax.imshow(matrix,", "ax.imshow(matrix.T,")]})
    failed = failed_checks(grade(folder, exercises=["ex01_rnn_layer"], hidden=False), "ex01_rnn_layer")
    text = failed["ex01_rnn_layer.plot_weights_notebook"]
    assert "the image of weight_ih_l0 has shape (2, 5)" in text and "the image is transposed" in text, text


def test_the_structure_why_speaks_of_the_setting_that_differs(make_submission, grade):
    folder = make_submission(edit={EX03: [("nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)",
                                           "nn.RNN(input_size, num_hidden, 1, batch_first=batch_first)")]})
    text = failed_checks(grade(folder, exercises=["ex03_rnnnet"], hidden=False),
                         "ex03_rnnnet")["ex03_rnnnet.structure_notebook"]
    assert "Returned: net.rnn, an nn.RNN with num_layers=1" in text
    assert "Why:      RNNnet's num_layers is how many layers the nn.RNN stacks" in text, text


def test_an_endless_loop_is_named_by_its_line_and_reported_once(make_submission, reference):
    from autograder.runner.grade import Grader
    from autograder.runner.limits import Limits

    loop = ("    total = 0\n    step = 0\n    while step < num_layers:\n        total += hidden_size\n"
            "    per_direction_bias = 2 * hidden_size if bias else 0")
    folder = make_submission(edit={"ex01_rnn_layer.py": [("    per_direction_bias = 2 * hidden_size if bias else 0",
                                                          loop)]})
    line = folder.joinpath("ex01_rnn_layer.py").read_text().splitlines().index("    while step < num_layers:") + 1
    with Grader(reference, exercises=["ex01_rnn_layer"], limits=Limits(call_seconds=3)) as grader:
        result = grader.grade(folder)
    check = next(c for c in result.checks if c.name == "ex01_rnn_layer.count_parameters_notebook")
    assert check.status == "timeout"
    assert f"it was in the loop at ex01_rnn_layer.py line {line}: `while step < num_layers:`" in check.feedback
    told = [c.feedback for c in result.checks] + result.notes
    assert sum("did not finish within" in text for text in told) == 1, told


def test_close_values_is_numpys_isclose_with_equal_nan():
    """expect_tensor's comparison: the same verdict as numpy.isclose(equal_nan=True), value by value."""
    import numpy as np

    from autograder.feedback import close_values

    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-300, 1e308, -1e308, 1.0, 1.0 + 1e-5, 1e-6, -3.5])
    got, expected = (grid.ravel() for grid in np.meshgrid(special, special))  # every pair of special values
    rng = np.random.default_rng(0)
    noisy = rng.normal(size=400)
    got = np.concatenate([got, noisy, noisy])
    expected = np.concatenate([expected, noisy + rng.choice([0, 1e-9, 1e-6, 1e-4, 1e-2], 400), noisy * (1 + 1e-6)])
    for rtol, atol in [(1e-7, 1e-9), (1e-4, 1e-5), (1e-2, 1e-3), (0.0, 0.0)]:
        with np.errstate(all="ignore"):
            want = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
        assert np.array_equal(close_values(got, expected, rtol, atol), want), (rtol, atol)
