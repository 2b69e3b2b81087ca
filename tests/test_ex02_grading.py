"""ex02_forward_pass is graded right: full points for correct code in any style, and every
classic mistake loses points in ex02 only, with feedback that names it."""
import pytest
from grading_cases import assert_caught, assert_full_points

FILE = "ex02_forward_pass.py"
H0_RETURN = ("    return torch.zeros(rnn.num_layers * num_directions, batch_size, rnn.hidden_size,\n"
             "                       dtype=weight.dtype, device=weight.device)")
TOP_RETURN = "    top = per_layer[-1]\n    return torch.cat(list(top), dim=-1)"

BUGS = [
    ("h0_batch_first_layout",
     [(H0_RETURN, "    if rnn.batch_first:\n"
                  "        return torch.zeros(batch_size, rnn.num_layers * num_directions, rnn.hidden_size,\n"
                  "                           dtype=weight.dtype)\n" + H0_RETURN)],
     "whatever batch_first says"),
    ("h0_ignores_bidirectional",
     [("    num_directions = 2 if rnn.bidirectional else 1\n    weight = next",
       "    num_directions = 1\n    weight = next")],
     "bidirectional was ignored: with two directions h0"),
    ("h0_always_float32", [("dtype=weight.dtype, device=weight.device)", "device=weight.device)")],
     "h0 is float32 but this rnn is float64"),
    ("h0_not_zeros", [("    return torch.zeros(rnn.num_layers", "    return torch.ones(rnn.num_layers")],
     "h0 must be zeros"),
    ("output_shapes_h_n_batch_first",
     [("    return output_shape, (rnn.num_layers * num_directions, batch_size, rnn.hidden_size)",
       "    if rnn.batch_first:\n"
       "        return output_shape, (batch_size, rnn.num_layers * num_directions, rnn.hidden_size)\n"
       "    return output_shape, (rnn.num_layers * num_directions, batch_size, rnn.hidden_size)")],
     "h_n keeps (num_layers * num_directions, batch, hidden) even when batch_first=True"),
    ("output_shapes_ignore_bidirectional",
     [("    num_directions = 2 if rnn.bidirectional else 1\n    features", "    num_directions = 1\n    features")],
     "bidirectional was ignored: output holds both directions"),
    ("last_output_ignores_batch_first", [("return output[:, -1] if batch_first else output[-1]", "return output[-1]")],
     "output[-1] is the last SAMPLE when batch_first=True"),
    ("top_layer_hidden_is_h_n_last_row", [(TOP_RETURN, "    return h_n[-1]")],
     "h_n[-1] is only the top layer's BACKWARD direction"),
    ("top_layer_hidden_drops_backward_direction", [(TOP_RETURN, "    return per_layer[-1][0]")],
     "h_n[-2] is only the top layer's forward direction"),
    ("top_layer_hidden_bottom_layer", [(TOP_RETURN, "    return h_n[0]")],
     "h_n[0] is the bottom layer"),
    ("output_shapes_ignore_batch_first",
     [("    if rnn.batch_first:\n        output_shape = (batch_size, seq_len, features)\n    else:\n"
       "        output_shape = (seq_len, batch_size, features)",
       "    output_shape = (seq_len, batch_size, features)")],
     "batch_first was ignored: with batch_first=True the output is (batch, seq, features)"),
    ("output_shapes_h_n_without_directions",
     [("    return output_shape, (rnn.num_layers * num_directions, batch_size", "    return output_shape, (rnn.num_layers, batch_size")],
     "h_n stacks both directions of every layer"),
    ("last_output_first_step", [("return output[:, -1] if batch_first else output[-1]",
                                 "return output[:, 0] if batch_first else output[0]")],
     "that is the first time step"),
    ("top_layer_hidden_directions_swapped", [(TOP_RETURN, "    top = per_layer[-1]\n    return torch.cat(list(top)[::-1], dim=-1)")],
     "the two directions are in the wrong order"),
    ("h0_batch_size_and_layers_swapped",
     [(H0_RETURN, "    return torch.zeros(batch_size, rnn.num_layers * num_directions, rnn.hidden_size,\n"
                  "                       dtype=weight.dtype, device=weight.device)")],
     "h0 keeps (num_layers * num_directions, batch, hidden_size)"),
    ("to_batch_first_with_view", [("    return x.transpose(0, 1)", "    return x.view(x.shape[1], x.shape[0], x.shape[2])")],
     "view/reshape does not swap axes"),
]

STYLES = [
    ("new_zeros_select_permute_and_h_n_rows",
     [("import torch\n", "import torch\n\nprint('ex02 loaded')\n"),
      (H0_RETURN, "    print('init_hidden for', rnn)\n"
                  "    return rnn.weight_hh_l0.new_zeros(rnn.num_layers * num_directions, batch_size, rnn.hidden_size)"),
      ("return output[:, -1] if batch_first else output[-1]", "return output.select(1 if batch_first else 0, -1)"),
      (TOP_RETURN, "    if rnn.bidirectional:\n        return torch.cat((h_n[-2], h_n[-1]), dim=1)\n    return h_n[-1]"),
      ("    return x.transpose(0, 1)", "    return x.permute(1, 0, 2).contiguous()")]),
    ("zeros_like_lists_view_of_layers_and_unguarded_demo",
     [(H0_RETURN, "    shape = (rnn.num_layers * num_directions, batch_size, rnn.hidden_size)\n"
                  "    return torch.zeros_like(torch.empty(shape, dtype=rnn.weight_ih_l0.dtype))"),
      ("        output_shape = (batch_size, seq_len, features)", "        output_shape = [batch_size, seq_len, features]"),
      ("    return output_shape, (rnn.num_layers", "    return torch.Size(output_shape), torch.Size((rnn.num_layers"),
      ("batch_size, rnn.hidden_size)\n    ### END SOLUTION\n\n\ndef last_output",
       "batch_size, rnn.hidden_size))\n    ### END SOLUTION\n\n\ndef last_output"),
      ("return output[:, -1] if batch_first else output[-1]", "return output[:, -1, :] if batch_first else output[-1, :, :]"),
      (TOP_RETURN, "    layers = h_n.view(rnn.num_layers, num_directions, h_n.size(1), h_n.size(2))\n"
                   "    return layers[-1].permute(1, 0, 2).reshape(h_n.size(1), -1)"),
      ("    return x.transpose(0, 1)\n    ### END SOLUTION\n",
       "    return torch.transpose(x, 0, 1)\n    ### END SOLUTION\n\n\n"
       "demo = nn.RNN(2, 5)\nout, h = demo(torch.rand(5, 2, 2, dtype=torch.float64).float())\n"
       "print(output_shapes(demo, 5, 2), last_output(out).shape, to_batch_first(out).shape)\n")]),
]


@pytest.mark.parametrize("edits, phrase", [pytest.param(e, p, id=i) for i, e, p in BUGS])
def test_mistake_is_caught_and_named(make_submission, scope_grader, edits, phrase):
    result = scope_grader.grade(make_submission(edit={FILE: edits}))
    assert_caught(result, "ex02_forward_pass", phrase)


@pytest.mark.parametrize("edits, phrase", [pytest.param(e, p, id=i) for i, e, p in BUGS])
def test_mistake_is_caught_and_named_by_the_public_checks_alone(make_submission, public_scope_grader, edits, phrase):
    """The teaching target: a learner's own ``rnn-grade check`` already names every classic mistake."""
    result = public_scope_grader.grade(make_submission(edit={FILE: edits}))
    assert_caught(result, "ex02_forward_pass", phrase)


@pytest.mark.parametrize("edits", [pytest.param(e, id=i) for i, e in STYLES])
def test_other_correct_style_earns_every_point(make_submission, scope_grader, edits):
    assert_full_points(scope_grader.grade(make_submission(edit={FILE: edits})))
