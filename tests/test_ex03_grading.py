"""ex03_rnnnet is graded right: full points for correct code in any style, and every
classic mistake loses points in ex03 only, with feedback that names it."""
import pytest
from grading_cases import assert_caught, assert_full_points

FILE = "ex03_rnnnet.py"
BATCH = "            batch = x.shape[0] if self.batch_first else x.shape[1]\n"
ZEROS = "            hidden = x.new_zeros(self.num_layers, batch, self.num_hidden)\n"
RUN = "        y, hidden = self.rnn(x, hidden)\n        return self.out(y), hidden\n"
LOSS = "    return nn.functional.mse_loss(predictions, y)\n"

BUGS = [
    ("global_batchsize_like_the_notebook",
     [("from torch import nn\n", "from torch import nn\n\nbatchsize = 2\n"),
      (BATCH, "            batch = batchsize\n")],
     "never from a global"),
    ("batch_size_kept_from_the_first_call",
     [(BATCH, "            if not hasattr(self, 'first_batch'):\n"
              "                self.first_batch = x.shape[0] if self.batch_first else x.shape[1]\n"
              "            batch = self.first_batch\n")],
     "earlier calls with batch"),
    ("batch_always_read_from_axis_1", [(BATCH, "            batch = x.shape[1]\n")],
     "or 0 with batch_first=True"),
    ("hidden_always_float32", [(ZEROS, "            hidden = torch.zeros(self.num_layers, batch, self.num_hidden)\n")],
     "dtype does not match x's"),
    ("given_hidden_ignored",
     [("        if hidden is None:\n            batch", "        if True:\n            batch")],
     "forward ignored the hidden state it was given"),
    ("callers_hidden_modified_in_place",
     [(RUN, "        y, new_hidden = self.rnn(x, hidden)\n        hidden.copy_(new_hidden)\n"
            "        return self.out(y), new_hidden\n")],
     "your forward wrote into the caller's hidden tensor"),
    ("batch_first_not_passed_to_rnn",
     [("nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)", "nn.RNN(input_size, num_hidden, num_layers)")],
     "build self.rnn with batch_first=batch_first"),
    ("output_size_ignored", [("nn.Linear(num_hidden, output_size)", "nn.Linear(num_hidden, 1)")],
     "output_size was ignored"),
    ("num_layers_not_passed_to_rnn",
     [("nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)", "nn.RNN(input_size, num_hidden, batch_first=batch_first)")],
     "RNNnet's num_layers is how many layers"),
    ("hidden_size_from_input_size",
     [("nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)\n        self.out = nn.Linear(num_hidden, output_size)",
       "nn.RNN(input_size, input_size, num_layers, batch_first=batch_first)\n        self.out = nn.Linear(input_size, output_size)")],
     "RNNnet's num_hidden is the layer's hidden_size"),
    ("hidden_zeros_without_layers", [(ZEROS, "            hidden = x.new_zeros(1, batch, self.num_hidden)\n")],
     "its first axis is num_layers"),
    ("loss_with_item", [(LOSS, "    return nn.functional.mse_loss(predictions, y).item()\n")],
     "cuts the loss off from the graph"),
    ("loss_summed", [(LOSS, "    return nn.functional.mse_loss(predictions, y, reduction='sum')\n")],
     "SUM of the squared errors"),
]

STYLES = [
    ("batch_first_layer_with_transposes_at_the_edges",
     [("nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)",
       "nn.RNN(input_size, num_hidden, num_layers, batch_first=True)"),
      (BATCH + ZEROS + RUN,
       "            batch = x.shape[0] if self.batch_first else x.shape[1]\n"
       "            hidden = x.new_zeros(self.num_layers, batch, self.num_hidden)\n"
       "        inner = x if self.batch_first else x.permute(1, 0, 2)\n"
       "        y, hidden = self.rnn(inner, hidden)\n"
       "        y = self.out(y)\n"
       "        return (y if self.batch_first else y.permute(1, 0, 2)), hidden\n")]),
    ("seq_first_layer_with_manual_transposes",
     [("nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)", "nn.RNN(input_size, num_hidden, num_layers)"),
      (BATCH + ZEROS + RUN,
       "            hidden = torch.zeros(self.num_layers, x.shape[0] if self.batch_first else x.shape[1],\n"
       "                                 self.num_hidden, dtype=x.dtype)\n"
       "        if self.batch_first:\n"
       "            y, hidden = self.rnn(x.transpose(0, 1), hidden)\n"
       "            return self.out(y).transpose(0, 1), hidden\n"
       "        y, hidden = self.rnn(x, hidden)\n"
       "        return self.out(y), hidden\n")]),
    ("notebook_style_prints_zeros_with_dtype_and_mse_module",
     [(BATCH + ZEROS, "            print(f'Input: {list(x.shape)}')\n"
                      "            batch = x.size(0) if self.rnn.batch_first else x.size(1)\n"
                      "            hidden = torch.zeros(self.num_layers, batch, self.num_hidden, dtype=x.dtype,\n"
                      "                                 device=x.device)\n"
                      "            print(f'Hidden: {list(hidden.shape)}')\n"),
      (LOSS, "    lossfun = nn.MSELoss()\n    return lossfun(predictions, y)\n")]),
    ("keyword_layers_helpers_double_and_guarded_demo",
     [("        self.rnn = nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)\n"
       "        self.out = nn.Linear(num_hidden, output_size)\n",
       "        self.out = nn.Linear(in_features=num_hidden, out_features=output_size)\n"
       "        self.rnn = nn.RNN(input_size=input_size, hidden_size=num_hidden, num_layers=num_layers,\n"
       "                          batch_first=batch_first)\n"
       "        self.history = []\n"),
      (BATCH + ZEROS, "            hidden = self.zero_state(x)\n"),
      (RUN, "        output, h_n = self.rnn(x, hidden)\n        self.history.append(tuple(x.shape))\n"
            "        return self.out(output), h_n\n\n"
            "    def zero_state(self, x):\n"
            "        batch = x.shape[0 if self.batch_first else 1]\n"
            "        zeros = torch.zeros(self.num_layers, batch, self.num_hidden)\n"
            "        return zeros.double() if x.dtype == torch.float64 else zeros\n"),
      ("    predictions, _ = net(X)\n" + LOSS, "    yHat, h = net(X)\n    return ((yHat - y) ** 2).mean()\n"),
      ("\ndef sequence_mse", "\nif __name__ == '__main__':\n    print(RNNnet(3, 16, 1)(torch.rand(5, 2, 3)))\n\n\n"
                          "def sequence_mse")]),
]


@pytest.mark.parametrize("edits, phrase", [pytest.param(e, p, id=i) for i, e, p in BUGS])
def test_mistake_is_caught_and_named(make_submission, scope_grader, edits, phrase):
    result = scope_grader.grade(make_submission(edit={FILE: edits}))
    assert_caught(result, "ex03_rnnnet", phrase)


@pytest.mark.parametrize("edits, phrase", [pytest.param(e, p, id=i) for i, e, p in BUGS])
def test_mistake_is_caught_and_named_by_the_public_checks_alone(make_submission, public_scope_grader, edits, phrase):
    """The teaching target: a learner's own ``rnn-grade check`` already names every classic mistake."""
    result = public_scope_grader.grade(make_submission(edit={FILE: edits}))
    assert_caught(result, "ex03_rnnnet", phrase)


@pytest.mark.parametrize("edits", [pytest.param(e, id=i) for i, e in STYLES])
def test_other_correct_style_earns_every_point(make_submission, scope_grader, edits):
    assert_full_points(scope_grader.grade(make_submission(edit={FILE: edits})))
