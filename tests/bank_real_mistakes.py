"""Single mistakes that real learners made with nn.RNN and asked about in public, as mutants of the solutions.

Each case is one mistake, written as an edit of ``solutions/`` the way the learner of the cited thread
(question, issue or tutorial) wrote it in their own code, carried over to this kit's exercises. The comment
above a case gives the source; the case's phrase is what the hint that names the mistake must contain.
``tests/bug_banks.py`` collects them with the kit's own banks, ``tests/test_real_mistakes.py`` asserts that
each one loses points in its exercise with a public check's hint that names it.
"""
from bug_banks import Mutant


def edits(exercise, *changes):
    """A mutant builder: the solutions with ``(old, new)`` replacements in ``exercise``'s file."""
    return lambda make: make(edit={f"{exercise}.py": list(changes)})


EX01, EX02, EX03 = "ex01_rnn_layer", "ex02_forward_pass", "ex03_rnnnet"
EX04, EX05, EX06 = "ex04_manual_rnn", "ex05_sequences", "ex06_training"
MAKE_RNN = ("nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity=nonlinearity,\n"
            "                  bias=bias, batch_first=batch_first, bidirectional=bidirectional)")
TOP_RETURN = "    top = per_layer[-1]\n    return torch.cat(list(top), dim=-1)"
NET_RNN = "nn.RNN(input_size, num_hidden, num_layers, batch_first=batch_first)"
NET_ZEROS = "            hidden = x.new_zeros(self.num_layers, batch, self.num_hidden)\n"
NET_RUN = "        y, hidden = self.rnn(x, hidden)\n        return self.out(y), hidden\n"
MSE = "    predictions, _ = net(X)\n    return nn.functional.mse_loss(predictions, y)\n"
CELL = "    pre_activation = x_t @ w_ih.T + h_prev @ w_hh.T\n"
CLASSIFIER_RNN = "nn.RNN(input_size, num_hidden, num_layers, batch_first=True, bidirectional=bidirectional)"
HEAD = "nn.Linear(num_directions * num_hidden, num_classes)"
PACK = "    packed = pack_sequence(sequences, enforce_sorted=False)\n"
UNPACK = "pad_packed_sequence(packed_output, batch_first=rnn.batch_first)"
LOOP_BODY = ("        optimizer.zero_grad()\n        predictions, _ = net(X)\n"
             "        loss = nn.functional.mse_loss(predictions, Y)\n        loss.backward()\n"
             "        optimizer.step()\n        losses.append(loss.item())\n")
ADAM = "    optimizer = torch.optim.Adam(net.parameters(), lr=lr)\n"

MUTANTS = [
    # ---------------------------------------------------------------- ex01: the layer and its weights
    # nn.RNN's positional order is (input_size, hidden_size, num_layers, nonlinearity, bias, batch_first,
    # dropout, bidirectional): the seventh positional argument is dropout. A learner passing every argument
    # positionally, as the notebook does for the first three (the signature as documented at
    # https://r-packages.io/packages/torch/nn_rnn and in torch's own nn.RNN docstring).
    Mutant(EX01, "make_rnn passes bidirectional positionally (it lands in dropout)", "seventh positional",
           edits(EX01, (MAKE_RNN, "nn.RNN(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first,\n"
                                  "                  bidirectional)"))),
    # "Bidirectional LSTM isn't 2x the size of 2 unidirectional LSTMs": layers >= 1 of a bidirectional
    # stack read 2 * hidden features (https://discuss.pytorch.org/t/bidirectional-lstm-isnt-2x-the-size-of-2-unidirectional-lstms/193073).
    Mutant(EX01, "count_parameters: later layers of a bidirectional stack read hidden_size only",
           "read hidden_size * num_directions",
           edits(EX01, ("later = hidden_size * hidden_size * num_directions + hidden_size * hidden_size",
                        "later = hidden_size * hidden_size + hidden_size * hidden_size"))),
    # A from-scratch RNN counted like a Linear layer: input weights and a bias, no hidden-to-hidden matrix
    # (https://crackedaicode.com/problems/simple-rnn-cell and https://click4ai.perfionixai.com/problems/rnn-cell
    # write one combined W; learners then forget W_hh when counting nn.RNN's separate matrices).
    Mutant(EX01, "count_parameters forgets weight_hh", "weight_hh",
           edits(EX01, ("first = hidden_size * input_size + hidden_size * hidden_size + per_direction_bias",
                        "first = hidden_size * input_size + per_direction_bias"),
                 ("later = hidden_size * hidden_size * num_directions + hidden_size * hidden_size + "
                  "per_direction_bias", "later = hidden_size * hidden_size * num_directions + per_direction_bias"))),
    # "Can't call numpy() on Tensor that requires grad": plotting a parameter without detach
    # (https://github.com/Saegl/nlp_games reads rnn.weight_ih_l0.detach().numpy(); without detach() torch refuses).
    Mutant(EX01, "plot_weights calls numpy() on a parameter without detach()", "detach()",
           edits(EX01, ("matrix = param.detach().cpu().numpy()", "matrix = param.numpy()"))),
    # Plotting every named parameter, biases included: imshow refuses a 1-D bias vector ("Invalid shape
    # (5,) for image data"); the notebook's "visualize its weights" loops over rnn.named_parameters()
    # (https://github.com/theairbend3r/how-to-train-your-neural-net, parameters listed then plotted).
    Mutant(EX01, "plot_weights draws the bias vectors too", "bias vectors",
           edits(EX01, ('if name.startswith("weight_")]', "]"))),

    # ---------------------------------------------------------------- ex02: inputs, outputs, hidden states
    # "hidden_state = torch.zeros(1, 1)" then "Expected hidden size (1, 1, 1), got [1, 1, 9]": h0 without its
    # batch axis (https://datascience.stackexchange.com/questions/121817/rnn-with-pytorch-i-dont-understand-the-initial-parameters).
    Mutant(EX02, "init_hidden without the batch axis", "three axes",
           edits(EX02, ("    return torch.zeros(rnn.num_layers * num_directions, batch_size, rnn.hidden_size,",
                        "    return torch.zeros(rnn.num_layers * num_directions, rnn.hidden_size,"))),
    # "h_t: the last time step of every layer; out: the last layer at every time step" -- learners who mix
    # them up size output by the layers (https://flashgene.com/archives/93411.html).
    Mutant(EX02, "output_shapes sizes output's features by every layer", "TOP layer",
           edits(EX02, ("    features = num_directions * rnn.hidden_size",
                        "    features = rnn.num_layers * num_directions * rnn.hidden_size"))),
    # Keras' return_sequences=False done as x[:, -1, :] whatever the layout
    # (https://openillumi.com/?p=95827: "final_output = x[:, -1, :]", written for batch_first=True).
    Mutant(EX02, "last_output always output[:, -1]", "output[:, -1] is the last sample",
           edits(EX02, ("return output[:, -1] if batch_first else output[-1]", "return output[:, -1]"))),
    # Both final directions wanted, h_n[-2:] reshaped to (batch, -1)
    # (https://discuss.pytorch.org/t/pytorch-lstm-output-not-match-hidden-state/114814 uses torch.cat([hn[-2], hn[-1]]);
    # the reshape shortcut mixes samples).
    Mutant(EX02, "top_layer_hidden reshapes h_n's last rows", "mixes samples",
           edits(EX02, (TOP_RETURN, "    num_directions = 2 if rnn.bidirectional else 1\n"
                                    "    return h_n[-num_directions:].reshape(h_n.shape[1], -1)"))),
    # The one-layer example's torch.cat([hn[0], hn[1]], dim=1) kept for deeper stacks
    # (https://discuss.pytorch.org/t/pytorch-lstm-output-not-match-hidden-state/114814; https://leyaa.ai/codefly/learn/pytorch/part-2/pytorch-bidirectional-rnns/try).
    Mutant(EX02, "top_layer_hidden takes h_n[0] and h_n[1]", "rows of the bottom layer",
           edits(EX02, (TOP_RETURN, "    if rnn.bidirectional:\n        return torch.cat([h_n[0], h_n[1]], dim=1)\n"
                                    "    return h_n[-1]"))),
    # x.T on a 3-D tensor reverses every axis (permute/transpose swap two; https://runebook.dev/en/docs/pytorch/generated/torch.nn.rnn
    # shows input_data.permute(1, 0, 2)).
    Mutant(EX02, "to_batch_first with .T / permute(2, 1, 0)", "reverses",
           edits(EX02, ("    return x.transpose(0, 1)", "    return x.permute(2, 1, 0)"))),

    # ---------------------------------------------------------------- ex03: a model class
    # The head applied to the final hidden state instead of every step's output
    # (https://openillumi.com/?p=95827 and https://allenai.github.io/allennlp-docs/api/modules/seq2vec_encoders/pytorch_seq2vec_wrapper/:
    # the many-to-one recipe used where predictions at every step are wanted).
    Mutant(EX03, "head applied to h_n instead of every step", "head to the final hidden state",
           edits(EX03, (NET_RUN, "        y, hidden = self.rnn(x, hidden)\n        return self.out(hidden), hidden\n"))),
    # Only the last step predicted (out[-1]), the many-to-one habit in a many-to-many model
    # (https://github.com/cyrusmvahid/GluonBootcamp "final_output = outputs[-1]").
    Mutant(EX03, "head applied to the last step only", "last time step only",
           edits(EX03, (NET_RUN, "        y, hidden = self.rnn(x, hidden)\n        return self.out(y[-1]), hidden\n"))),
    # MSE on what the model returns, a tuple: "'tuple' object has no attribute 'size'"
    # (https://github.com/FelipeMolinari/Hands-On-DeepLearning-UFMG-: "output, h = self.rnn(X, h)"; forgetting the unpacking).
    Mutant(EX03, "sequence_mse on net(X)'s tuple", "(predictions, hidden)",
           edits(EX03, (MSE, "    return nn.functional.mse_loss(net(X), y)\n"))),
    # h0 laid out like a batch-first x: "Expected hidden size (1, 3, 16), got [3, 1, 16]"
    # (https://discuss.pytorch.org/t/could-someone-please-explain-me-why-the-shape-of-hidden-in-gru-or-lstm-is-not-same-output-shape-when-we-set-batch-first-is-true/59867).
    Mutant(EX03, "forward's h0 laid out batch first", "whatever batch_first says",
           edits(EX03, (NET_ZEROS, "            hidden = x.new_zeros(batch, self.num_layers, self.num_hidden)\n"))),
    # batch_first passed positionally lands in nonlinearity: "Unknown nonlinearity 'False'"
    # (the positional order of https://r-packages.io/packages/torch/nn_rnn / torch's nn.RNN docstring).
    Mutant(EX03, "batch_first passed positionally to nn.RNN", "fourth positional",
           edits(EX03, (NET_RNN, "nn.RNN(input_size, num_hidden, num_layers, batch_first)"))),
    # Predictions flattened for the head (y.view(-1, hidden)), the char-RNN recipe, never reshaped back
    # (https://github.com/3venthatguy/Dive-Into-Deep-Learning, outputs concatenated before the output layer).
    Mutant(EX03, "predictions flattened to (seq * batch, output_size)", "flattened",
           edits(EX03, (NET_RUN, "        y, hidden = self.rnn(x, hidden)\n"
                                 "        return self.out(y.reshape(-1, self.num_hidden)), hidden\n"))),
    # nn.MSELoss(predictions, y): the module built with the tensors as its options, "Boolean value of Tensor
    # with more than one value is ambiguous" (https://androidkt.com/how-to-use-optimizer-zero_grad-in-pytorch/
    # builds criterion = nn.MSELoss() first, then calls it).
    Mutant(EX03, "nn.MSELoss called with the tensors", "nn.MSELoss()(",
           edits(EX03, (MSE, "    predictions, _ = net(X)\n    return nn.MSELoss(predictions, y)\n"))),

    # ---------------------------------------------------------------- ex04: the recurrence by hand
    # W @ x as in the textbook formula h = tanh(W_ih x + ...) with nn.RNN's (out, in) weights
    # (https://discuss.pytorch.org/t/dimensionslity-in-rnn/51498: "how then they multiple and work?").
    Mutant(EX04, "rnn_cell multiplies by untransposed weights", "transpose",
           edits(EX04, (CELL, "    pre_activation = x_t @ w_ih + h_prev @ w_hh\n"))),
    # States collected with torch.cat (joins along batch) instead of torch.stack (a new time axis)
    # (https://github.com/OmarAlmighty/Python-Machine-Learning-Notebooks collects out_man and compares to output).
    Mutant(EX04, "manual_rnn joins the steps with torch.cat", "torch.stack",
           edits(EX04, ("direction_outputs.append(torch.stack(states))", "direction_outputs.append(torch.cat(states))"))),
    # h_n taken as output's last step, "output[-1] is identical to hidden" carried to deep/bidirectional stacks
    # (https://flashgene.com/archives/93411.html; https://qastack.com.br/stats/330176/what-is-the-output-of-a-tf-nn-dynamic-rnn).
    Mutant(EX04, "manual_rnn's h_n is output's last step", "every layer",
           edits(EX04, ("    return output, torch.stack(last_states)",
                        "    return output, layer_input[-1:]"))),
    # A float32 h0 whatever x's dtype: "expected m1 and m2 to have the same dtype"
    # (https://github.com/3venthatguy/Dive-Into-Deep-Learning: torch.zeros((batch, hiddens), device=...) without dtype).
    Mutant(EX04, "manual_rnn's zeros h0 is always float32", "dtype",
           edits(EX04, ("        h0 = x.new_zeros(rnn.num_layers * num_directions, batch, rnn.hidden_size)",
                        "        h0 = torch.zeros(rnn.num_layers * num_directions, batch, rnn.hidden_size)"))),
    # transpose_ for the layout: the caller's x changed in place (the docs loop's in-place habit,
    # https://github.com/pytorch/pytorch/issues/136926).
    Mutant(EX04, "manual_rnn transposes x in place", "modified in place",
           edits(EX04, ("        x = x.transpose(0, 1)\n    seq_len", "        x = x.transpose_(0, 1)\n    seq_len"))),

    # ---------------------------------------------------------------- ex05: many-to-one and packing
    # Head sized for one direction of a bidirectional classifier: "mat1 and mat2 shapes cannot be multiplied"
    # (https://leyaa.ai/codefly/learn/pytorch/part-2/pytorch-bidirectional-rnns/try: "2 * hidden_size").
    Mutant(EX05, "bidirectional classifier's head sized for one direction", "2 * num_hidden",
           edits(EX05, (HEAD, "nn.Linear(num_hidden, num_classes)"))),
    # A batch-first x fed to a time-first rnn (https://taourl.com/read-2624309.html; https://runebook.dev/en/docs/pytorch/generated/torch.nn.rnn).
    Mutant(EX05, "classifier's rnn reads batch-first x as time-first", "batch_first=True",
           edits(EX05, (CLASSIFIER_RNN, "nn.RNN(input_size, num_hidden, num_layers, bidirectional=bidirectional)"))),
    # The rnn built for the hidden size, "input.size(-1) must be equal to input_size. Expected 5, got 2"
    # (https://github.com/xiaojunxu/SQLNet/issues/59, https://github.com/zalandoresearch/pytorch-ts/issues/109).
    Mutant(EX05, "classifier's rnn built with num_hidden as its input_size",
           "the number of features of x",
           edits(EX05, (CLASSIFIER_RNN, "nn.RNN(num_hidden, num_hidden, num_layers, batch_first=True, "
                                        "bidirectional=bidirectional)"))),
    # pad_packed_sequence left time-first for a batch-first rnn (https://pytorch.org/docs/2.1/generated/torch.nn.utils.rnn.pack_padded_sequence.html:
    # batch_first must be passed to both ends).
    Mutant(EX05, "run_packed unpacks without batch_first", "batch_first=rnn.batch_first",
           edits(EX05, (UNPACK, "pad_packed_sequence(packed_output)"))),
    # The final states read from the padded output's last step, zeros for the shorter sequences
    # (https://discuss.pytorch.org/t/pytorch-lstm-output-not-match-hidden-state/114814).
    Mutant(EX05, "run_packed's h_n from the padded output's last step", "padded output's last step",
           edits(EX05, ("    return padded_output, lengths, h_n",
                        "    last = padded_output[:, -1] if rnn.batch_first else padded_output[-1]\n"
                        "    return padded_output, lengths, last.unsqueeze(0)"))),
    # pad_sequence + pack_padded_sequence with lengths in the given order: "`lengths` array must be sorted in
    # decreasing order when `enforce_sorted` is True" (https://torch.mlverse.org/docs/reference/nn_utils_rnn_pack_padded_sequence).
    Mutant(EX05, "pack_padded_sequence of unsorted lengths", "enforce_sorted=False",
           edits(EX05, ("from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence",
                        "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence"),
                 (PACK, "    packed = pack_padded_sequence(pad_sequence(sequences), lengths)\n"))),

    # ---------------------------------------------------------------- ex06: the training loop
    # zero_grad between backward and step (https://velog.io/@rhss10/기본-optimizer.zerograd는-어디에-넣어주어야-할까:
    # "anywhere but between loss.backward() and optimizer.step()").
    Mutant(EX06, "zero_grad between backward and step", "found no gradients",
           edits(EX06, (LOOP_BODY, "        predictions, _ = net(X)\n"
                                   "        loss = nn.functional.mse_loss(predictions, Y)\n        loss.backward()\n"
                                   "        optimizer.zero_grad()\n        optimizer.step()\n"
                                   "        losses.append(loss.item())\n"))),
    # step before backward (https://jrunding.github.io/2024/03/12/Pytorch%E8%AE%AD%E7%BB%83%E8%AF%AD%E5%8F%A5%E4%BD%8D%E7%BD%AE:
    # the order zero_grad, forward, loss, backward, step).
    Mutant(EX06, "step before backward", "found no gradients",
           edits(EX06, ("        loss.backward()\n        optimizer.step()\n",
                        "        optimizer.step()\n        loss.backward()\n"))),
    # The optimizer created inside the epoch loop: Adam's moments start again every epoch
    # (https://www.codegenes.net/blog/pytorch-reset-optimizer: re-initialising resets the optimizer's state).
    Mutant(EX06, "optimizer re-created every epoch", "created again in every epoch",
           edits(EX06, (ADAM, ""), ("    for _ in range(epochs):\n",
                                    "    for _ in range(epochs):\n" + ADAM.replace("    opt", "        opt")))),
    # losses.append(loss): a list of tensors, each holding its graph
    # (https://openillumi.com/?p=69315: ".item() ... extract the scalar and detach the loss").
    Mutant(EX06, "train records the loss tensors", "loss.item()",
           edits(EX06, ("        losses.append(loss.item())\n", "        losses.append(loss)\n"))),
    # The losses returned as one tensor (torch.stack) instead of a list of floats
    # (https://discuss.pytorch.org/t/gpu-memory-increase-while-i-wanna-to-backward-with-accumulative-loss/43284 keeps losses as tensors).
    Mutant(EX06, "train returns a tensor of losses", "loss.item()",
           edits(EX06, ("        losses.append(loss.item())\n    return losses",
                        "        losses.append(loss.detach())\n    return torch.stack(losses)"))),
    # loss.item without the call: a list of bound methods
    # (https://androidkt.com/how-to-calculate-running-loss-using-loss-item-in-pytorch/ calls loss.item()).
    Mutant(EX06, "train records loss.item without calling it", "loss.item()",
           edits(EX06, ("        losses.append(loss.item())\n", "        losses.append(loss.item)\n"))),
    # The hidden state carried from epoch to epoch without detach: "Trying to backward through the graph a
    # second time" (https://learn.biosrag.com/ai/rnn-training-4.html).
    Mutant(EX06, "hidden state carried across epochs without detach", "detach",
           edits(EX06, ("    losses = []\n", "    losses = []\n    hidden = None\n"),
                 ("        predictions, _ = net(X)\n", "        predictions, hidden = net(X, hidden)\n"))),
    # Loss on what the net returns, a tuple: "'tuple' object has no attribute 'size'"
    # (https://github.com/FelipeMolinari/Hands-On-DeepLearning-UFMG-: the net returns (output, h)).
    Mutant(EX06, "train's loss on net(X)'s tuple", "(predictions, hidden)",
           edits(EX06, ("        predictions, _ = net(X)\n        loss = nn.functional.mse_loss(predictions, Y)\n",
                        "        loss = nn.functional.mse_loss(net(X), Y)\n"))),
    # zero_grad named but not called (https://flisks.com/python-why-do-we-need-to-call-zero-grad-in-pytorch:
    # gradients accumulate on every backward unless cleared).
    Mutant(EX06, "optimizer.zero_grad without parentheses", "gradients pile up",
           edits(EX06, ("        optimizer.zero_grad()\n", "        optimizer.zero_grad\n"))),
    # net.parameters without the call: "'method' object is not iterable"
    # (https://www.codegenes.net/blog/pytorch-adam-optimizer-reset shows optim.Adam(model.parameters(), ...)).
    Mutant(EX06, "Adam given net.parameters without calling it", "net.parameters()",
           edits(EX06, ("torch.optim.Adam(net.parameters(), lr=lr)", "torch.optim.Adam(net.parameters, lr=lr)"))),

    # ---------------------------------------------------------------- more real mistakes (branch h26more)
    # Sources not cited above; each case is still one mistake on top of the solutions.
    # Keras' SimpleRNN has ONE bias vector, PyTorch's nn.RNN two (b_ih and b_hh): "RNN - different number of
    # parameters in Keras vs. PyTorch" (https://discuss.pytorch.org/t/rnn-different-number-of-parameters-in-keras-vs-pytorch/113371).
    Mutant(EX01, "count_parameters counts one bias vector (Keras' SimpleRNN)", "one bias vector per direction",
           edits(EX01, ("per_direction_bias = 2 * hidden_size if bias else 0",
                        "per_direction_bias = hidden_size if bias else 0"))),
    # init_hidden with zeros of the default dtype, on the input's device only
    # (https://github.com/Duonn512/Wikipedia-Category-Classification/blob/main/src/model/rnn.py:
    # torch.zeros(self.num_layers, batch_size, self.hidden_size, device=x.device)).
    Mutant(EX02, "init_hidden without the rnn's dtype", "take dtype (and device) from one of its parameters",
           edits(EX02, ("                       dtype=weight.dtype, device=weight.device)",
                        "                       device=weight.device)"))),
    # reshape for a layout change: "Difference between 2 reshaping operations (reshape vs permute)", PyTorch
    # forum, 2018-11-28 (archived in https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1): the shape is
    # right, the samples are scrambled.
    Mutant(EX02, "to_batch_first with reshape", "view/reshape does not swap axes",
           edits(EX02, ("    return x.transpose(0, 1)", "    return x.reshape(x.shape[1], x.shape[0], x.shape[2])"))),
    # h0 = torch.zeros(...).to(x.device): the device of x but always float32
    # (https://github.com/Ayoub-Elkhaiari/Electricity_forecasting_sequence_models_with_transformer_encoder/blob/main/models/RNN_model.py).
    Mutant(EX03, "forward's zeros h0 is always float32", "the hidden state's dtype does not match x's",
           edits(EX03, (NET_ZEROS, "            hidden = torch.zeros(self.num_layers, batch, self.num_hidden).to(x.device)\n"))),
    # forward always starts from zeros, the hidden state it is given is dropped
    # (https://github.com/pereman2/carspeed/blob/main/rnn.py: hidden = self.init_hidden(batch_size) in every forward).
    Mutant(EX03, "forward ignores the hidden state it is given", "forward ignored the hidden state it was given",
           edits(EX03, ("        if hidden is None:\n            batch = x.shape[0] if self.batch_first else x.shape[1]\n"
                        + NET_ZEROS,
                        "        batch = x.shape[0] if self.batch_first else x.shape[1]\n"
                        "        hidden = x.new_zeros(self.num_layers, batch, self.num_hidden)\n"))),
    # The step always uses tanh, as in the book's manual computation
    # (https://github.com/JPL-JUNO/Machine-Learning/blob/main/MLPS/Codes/Ch15/manual_computations.py: ot = torch.tanh(ot)).
    Mutant(EX04, "rnn_cell always applies tanh", "but you applied tanh",
           edits(EX04, ('    if nonlinearity == "tanh":\n        return torch.tanh(pre_activation)\n',
                        "    return torch.tanh(pre_activation)\n"))),
    # One bias per step, h = tanh(W_ih x + W_hh h + b), as in single-bias RNN layers
    # (https://ml-explore.github.io/mlx/build/html/python/nn/_autosummary/mlx.nn.RNN.html).
    Mutant(EX04, "rnn_cell adds b_ih only", "you added only b_ih",
           edits(EX04, ("    if b_hh is not None:\n        pre_activation = pre_activation + b_hh\n", ""))),
    # The first step always starts from zeros, the given h0 unused (the same book code: prev_h = torch.zeros(ht.shape)
    # at t = 0, https://github.com/JPL-JUNO/Machine-Learning/blob/main/MLPS/Codes/Ch15/manual_computations.py).
    Mutant(EX04, "manual_rnn ignores the given h0", "you ignored the h0 you were given",
           edits(EX04, ("    if h0 is None:\n        h0 = x.new_zeros(rnn.num_layers * num_directions, batch, rnn.hidden_size)",
                        "    h0 = x.new_zeros(rnn.num_layers * num_directions, batch, rnn.hidden_size)"))),
    # The classifier reads output[:, -1, :] of a bidirectional rnn
    # (https://github.com/hoannc0506/Text-Classification/blob/main/models/rnn.py: x = output[:, -1, :]).
    Mutant(EX05, "classifier reads output[:, -1] instead of h_n", "you used output[:, -1]",
           edits(EX05, ("        _, h_n = self.rnn(x)\n", "        output, h_n = self.rnn(x)\n"),
                 ("        summary = torch.cat(list(top_layer), dim=-1)       # (batch, num_directions * hidden)",
                  "        summary = output[:, -1, :]"))),
    # torch.cat((h_n[0], h_n[1]), dim=-1): the first rows of h_n, right for one layer only
    # (https://github.com/ToyeshC/NLI_LSTM/blob/main/Models/bi_LSTM.py).
    Mutant(EX05, "classifier reads h_n's first rows (the bottom layer)", "FIRST layer's state",
           edits(EX05, ("        top_layer = h_n[-num_directions:]", "        top_layer = h_n[:num_directions]"))),
    # h_n's top rows reshaped to (batch, -1): the right shape, the samples mixed ("The dangers of reshaping",
    # https://medium.com/mcgill-artificial-intelligence-review/the-dangers-of-reshaping-and-other-fun-mistakes-ive-learnt-from-pytorch-b6a5bdc1c275).
    Mutant(EX05, "classifier reshapes h_n's top rows to (batch, -1)", "mixes samples",
           edits(EX05, ("        summary = torch.cat(list(top_layer), dim=-1)       # (batch, num_directions * hidden)",
                        "        summary = top_layer.reshape(x.size(0), -1)"))),
    # Sorted by length for packing, the order never restored: "I was sorting but then not getting the sort back"
    # (https://github.com/fartashf/vsepp/pull/36).
    Mutant(EX05, "run_packed sorts the sequences and never restores their order", "undo the sort",
           edits(EX05, (PACK, "    packed = pack_sequence(sorted(sequences, key=len, reverse=True))\n"))),
    # torch.roll to shift a series: it wraps the last steps round to the front instead of zeros
    # ("PyTorch Shift Tensor", https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1, and
    # https://pytorch.org/docs/stable/generated/torch.roll.html: "re-introduced at the first position").
    Mutant(EX06, "make_delay_task shifts with torch.roll", "torch.roll wraps",
           edits(EX06, ("    Y = torch.zeros_like(X)\n    if delay < seq_len:\n        Y[delay:] = X[:seq_len - delay]\n",
                        "    Y = torch.roll(X, shifts=delay, dims=0)\n"))),
    # return inside the epoch loop: one epoch runs
    # (https://github.com/aliciagez/MLR_labb-2/blob/main/train.py: `return epoch+1, loss` indented in the loop).
    Mutant(EX06, "train returns inside the epoch loop", "stopped after its first epoch",
           edits(EX06, ("        losses.append(loss.item())\n    return losses",
                        "        losses.append(loss.item())\n        return losses"))),
    # The output's features without the directions: "hidden_size * (2 if bidirectional else 1)" was the fix
    # (https://github.com/IBM/pytorch-seq2seq/pull/184: "Expected hidden size (1, 16, 1), got (1, 16, 256)").
    Mutant(EX02, "output_shapes leaves the directions out of output's features", "2 * hidden features",
           edits(EX02, ("    features = num_directions * rnn.hidden_size", "    features = rnn.hidden_size"))),
    # h0 sized for one layer: "having num_layers = 2 > 1 ... Expected hidden[0] size (2, 1, 1024), got [1, 1, 1024]"
    # (https://github.com/aladdinpersson/Machine-Learning-Collection/issues/110).
    Mutant(EX03, "forward's zeros h0 has one layer whatever num_layers", "its first axis is num_layers",
           edits(EX03, (NET_ZEROS, "            hidden = x.new_zeros(1, batch, self.num_hidden)\n"))),
    # lengths = torch.tensor([...], dtype=torch.int32) (https://github.com/pytorch/pytorch/issues/41582); packing
    # accepts them, the contract (and pad_packed_sequence's own lengths) are int64.
    Mutant(EX05, "run_packed returns int32 lengths", "lengths must be int64",
           edits(EX05, ("dtype=torch.int64)\n    packed", "dtype=torch.int32)\n    packed"))),
    # Gaussian noise for the inputs, torch.randn(...) as in the training script of
    # https://github.com/jasleen-dhanoa/Learning_Flows_NODE/blob/main/Neural_ODE/RNN.py (input_seq = torch.randn(...)).
    Mutant(EX06, "make_delay_task draws Gaussian noise (torch.randn)", "torch.randn draws from a normal distribution",
           edits(EX06, ("    X = torch.rand(seq_len, n_sequences, 1, generator=generator) * 2 - 1\n",
                        "    X = torch.randn(seq_len, n_sequences, 1, generator=generator)\n"))),
    # The textbook's column form W @ x (torch.mm(W_x, x.t()), https://github.com/info-ruc/tm23projects/blob/main/
    # 221017000226/src/test/pytorch/test_autograd.py) with row-major batches: the step comes out (hidden, batch).
    Mutant(EX04, "rnn_cell computes W @ x.T (column vectors)", "the step came out (hidden, batch)",
           edits(EX04, (CELL, "    pre_activation = w_ih @ x_t.T + w_hh @ h_prev.T\n"))),
    # d2l's one-product form torch.cat((W_xh, W_hh), 0) kept for nn.RNN's (out, in) weights
    # (https://github.com/LuckyKe/TorchTest/blob/master/rnn_test.py; d2l stores (in, out)).
    Mutant(EX04, "rnn_cell concatenates nn.RNN's weights along dim 0 (d2l's layout)", "only line up side by side",
           edits(EX04, (CELL, "    pre_activation = torch.cat((x_t, h_prev), 1) @ torch.cat((w_ih, w_hh), 0)\n"))),
]
