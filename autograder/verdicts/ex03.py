"""Verdicts for ex03_rnnnet, shared by the public checks (the notebook's net and a fixed, published set of
nets) and the hidden ones (nets drawn from a seed).

The learner's RNNnet gets the reference's weights (``fill_parameters`` fills
``net.rnn`` and ``net.out`` in sorted-name order on both sides), so predictions
and hidden states must agree. Each net is called with several batch sizes in a
row, which catches a batch size kept from a global (the notebook's
``batchsize``) or from the first call.
"""
import re

from ..configs import net_label
from ..feedback import (Feedback, Hint, exception_hint, expect_equal, expect_tensor, first_difference,
                        in_configuration, paired, shape_is, values_match)
from . import observe_each

ZERO_START = ("When hidden is None, forward starts from zeros of shape (num_layers, batch, num_hidden) where batch "
              "is read from x on EVERY call (x.shape[1], or x.shape[0] with batch_first=True) and the dtype and "
              "device are x's")
ZERO_START_CODE = "(x.new_zeros(...), or torch.zeros(..., dtype=x.dtype, device=x.device))"
FORWARD_CONCEPT = Hint("predictions are the head applied to the rnn's output at every step: (seq, batch, "
                       "output_size), or (batch, seq, output_size) with batch_first; the final hidden state is "
                       "(num_layers, batch, num_hidden). " + ZERO_START, ZERO_START_CODE, joiner=" ")
GIVEN_CONCEPT = Hint("a hidden state passed to forward is the rnn's initial state; zeros are only for hidden=None",
                     "self.rnn(x, hidden)", joiner=": ")


def _forward_request(net, hidden, catch_errors=True):
    calls = [dict(call, hidden=hidden) for call in net["calls"]]
    return dict(net_args=net["net_args"], calls=calls, dtype=net["dtype"], seed=net["seed"],
                catch_errors=catch_errors)


def _x_shape(net, call):
    args = net["net_args"]
    if args["batch_first"]:
        return (call["batch"], call["seq"], args["input_size"])
    return (call["seq"], call["batch"], args["input_size"])


def _call_text(net, position, hidden):
    call = net["calls"][position]
    shape = _x_shape(net, call)
    given = f", hidden of shape ({net['net_args']['num_layers']}, {call['batch']}, {net['net_args']['num_hidden']})" \
        if hidden == "given" else ""
    layout = ", batch first" if net["net_args"]["batch_first"] else ""
    dtype = "" if net["dtype"] == "float32" else f", {net['dtype']}"
    return f"net(x of shape {shape}{layout}{dtype}{given}), call {position + 1} of {len(net['calls'])} on the same net"


def _error_hint(net, position, raised, hidden):
    """Name the likely mistake behind an exception raised by forward."""
    known = exception_hint(raised)
    if known is not None:
        return known
    earlier = [c["batch"] for c in net["calls"][:position]]
    batch = net["calls"][position]["batch"]
    batch_first = net["net_args"]["batch_first"]
    sizes = re.search(r"hidden size \((\d+), (\d+), (\d+)\), got \[(\d+), (\d+), (\d+)\]", raised)
    if sizes and hidden == "none" and sizes[1] != sizes[4] and sizes[2] == sizes[5]:
        return (f"the initial hidden state has {sizes[4]} rows where the rnn has {sizes[1]} layers: its first axis "
                f"is num_layers, (num_layers, batch, num_hidden)")
    if "hidden size" in raised.lower():  # torch: "Expected hidden size (1, 3, 16), got [1, 2, 16]"
        if hidden == "given":
            return "the hidden state passed in fits x, yet the rnn expected another batch size" + (
                ": with batch_first=True, self.rnn must be built with batch_first=batch_first so that it reads x "
                "as (batch, seq, features)" if batch_first else ": pass the given hidden on unchanged")
        text = "the initial hidden state did not fit this x"
        if earlier:
            text = f"earlier calls with batch {', '.join(map(str, earlier))} worked but this one with batch " \
                   f"{batch} did not: the hidden state was not sized from this x"
        text += ". Read the batch size from x on every call (the batch axis is 1, or 0 with batch_first=True), " \
                "never from a global such as the notebook's `batchsize` or from an earlier call"
        if batch_first:
            text += "; and build self.rnn with batch_first=batch_first so that it reads x the same way"
        return text
    if net["dtype"] != "float32" and ("dtype" in raised.lower() or "double" in raised.lower()):
        return Hint("the hidden state's dtype does not match x's (float64 here)",
                    "create it with x.new_zeros(...) or torch.zeros(..., dtype=x.dtype, device=x.device)")
    return None


def prediction_shape_mistakes(net, position):
    """Hints for predictions whose shape is what a classic head mistake gives (only shapes that differ
    from the right one: a shape that happens to be right names nothing)."""
    args, call = net["net_args"], net["calls"][position]
    seq, batch, outputs = call["seq"], call["batch"], args["output_size"]
    right = (batch, seq, outputs) if args["batch_first"] else (seq, batch, outputs)
    found = [((args["num_layers"], batch, outputs),
              Hint("you applied the head to the final hidden state (num_layers, batch, num_hidden): RNNnet predicts "
                   "at EVERY step, from the rnn's output", "self.out(output) where output, hidden = self.rnn(x, hidden)")),
             ((batch, outputs),
              Hint("predictions for the last time step only (many-to-one): RNNnet predicts at every step",
                   "apply the head to the whole output, (seq, batch, num_hidden)")),
             ((seq * batch, outputs),
              Hint("the output was flattened to (seq * batch, num_hidden) for the head and never reshaped back: "
                   "nn.Linear already applies to the last axis of a 3-D tensor", "self.out(output)"))]
    return [(shape_is(shape), hint) for shape, hint in found if shape != right]


def _compare_series(nets, got_all, want_all, hidden, concept, zero_start_all=None):
    """Report the first call, over every net, whose predictions or hidden state differ."""
    for index, (net, (got_series, want_series)) in enumerate(zip(nets, paired(got_all, want_all, "net(x)"))):
        for position, (got, want) in enumerate(paired(got_series, want_series, "net(x)")):
            call = in_configuration(_call_text(net, position, hidden), index, len(nets),
                                    f"net = {net_label(net['net_args'], net['dtype'])}")
            if got.get("returned") == "raised":
                raise Feedback(call, f"it raised {got['raised']}", "a pair (predictions, hidden)", concept,
                               _error_hint(net, position, got["raised"], hidden))
            if got.get("returned") != "pair":
                raise Feedback(call, f"a {got.get('returned')}", "a pair (predictions, hidden)",
                               "forward returns the head's predictions AND the rnn's final hidden state")
            mistakes = prediction_shape_mistakes(net, position)
            if zero_start_all is not None:
                started_from_zeros = zero_start_all[index][position]
                mistakes += [(values_match(started_from_zeros["predictions"].data),
                             Hint("these are the predictions of a run that starts from zeros: forward ignored "
                                  "the hidden state it was given", "pass `hidden` on to self.rnn(x, hidden)",
                                  joiner="; "))]
            expect_tensor(got["predictions"], want["predictions"], call=call, what="predictions",
                          concept=concept, mistakes=mistakes)
            expect_tensor(got["hidden"], want["hidden"], call=call, what="the final hidden state",
                          concept=concept)


# The "Why" of a structure difference, for the setting that differs.
STRUCTURE_WHY = {
    "input_size": "the layer reads x, so its input_size is RNNnet's input_size (the features per time step)",
    "hidden_size": "RNNnet's num_hidden is the layer's hidden_size: nn.RNN(input_size, num_hidden, num_layers)",
    "num_layers": "RNNnet's num_layers is how many layers the nn.RNN stacks: nn.RNN(input_size, num_hidden, "
                  "num_layers)",
}


def judge_structure(learner, reference, configs):
    """RNNnet builds its layer and head from the constructor's arguments, in each of ``configs`` (net_args)."""
    got_all = observe_each(learner, "ex03.structure", configs)
    want_all = observe_each(reference, "ex03.structure", configs)
    for index, (args, (got, want)) in enumerate(zip(configs, paired(got_all, want_all, "ex03.structure"))):
        call = in_configuration(f"net = {net_label(args)}", index, len(configs), "net.rnn and net.out")
        if got["rnn"] is None or not got["rnn"].get("is_rnn"):
            raise Feedback(call, "no nn.RNN at net.rnn", "net.rnn, an nn.RNN",
                           "the contract names the recurrent layer self.rnn (notebook §4)")
        # batch_first is left out: a forward that transposes x itself may keep the layer seq-first;
        # the forward checks judge the layout by the predictions.
        settings = {key: value for key, value in got["rnn"]["settings"].items() if key != "batch_first"}
        wanted = {key: value for key, value in want["rnn"]["settings"].items() if key != "batch_first"}
        difference = first_difference(settings, wanted)
        if difference is not None:
            key, got_value, want_value = difference
            raise Feedback(call, f"net.rnn, an nn.RNN with {key}={got_value!r}",
                           f"net.rnn, an nn.RNN with {key}={want_value!r}",
                           STRUCTURE_WHY.get(key, f"RNNnet's layer keeps nn.RNN's default {key}: the contract "
                                                  f"passes on only input_size, num_hidden and num_layers"))
        expect_equal(got["out"], want["out"], call=call,
                     concept="the head is nn.Linear(num_hidden, output_size): it maps every hidden state to "
                             "output_size values",
                     mistakes=[(lambda o: o and o.get("out_features") == 1 and args["output_size"] != 1,
                                "output_size was ignored: the head must be nn.Linear(num_hidden, output_size)")])


def judge_forward(learner, reference, nets):
    """net(x) matches the reference for every net of ``nets``, each called several times in a row."""
    requests = [_forward_request(net, "none") for net in nets]
    _compare_series(nets, observe_each(learner, "ex03.forward", requests),
                    observe_each(reference, "ex03.forward", requests), "none", FORWARD_CONCEPT)


def observe_given(learner, reference, nets):
    """Both sides' answers to net(x, hidden) for every net of ``nets``."""
    requests = [_forward_request(net, "given") for net in nets]
    return observe_each(learner, "ex03.forward", requests), observe_each(reference, "ex03.forward", requests)


def judge_forward_given(learner, reference, nets):
    """net(x, hidden) starts from the given hidden state, for every net of ``nets``."""
    got_all, want_all = observe_given(learner, reference, nets)
    zero_requests = [_forward_request(net, "none") for net in nets]
    _compare_series(nets, got_all, want_all, "given", GIVEN_CONCEPT,
                    zero_start_all=observe_each(reference, "ex03.forward", zero_requests))


def judge_keeps_callers_hidden(learner, reference, nets):
    """net(x, hidden) leaves the caller's hidden tensor unchanged, for every net of ``nets``."""
    got_all, want_all = observe_given(learner, reference, nets)
    for index, (net, (series, want_series)) in enumerate(zip(nets, paired(got_all, want_all, "net(x, hidden)"))):
        for position, (got, _) in enumerate(paired(series, want_series, "net(x, hidden)")):
            call = in_configuration(_call_text(net, position, "given"), index, len(nets),
                                    f"net = {net_label(net['net_args'], net['dtype'])}")
            if got.get("returned") != "pair":
                # Nothing to judge without an answer; forward_given_hidden explains what went wrong.
                raise Feedback(call, f"no (predictions, hidden) pair ({got.get('raised') or got.get('returned')})",
                               "a pair, with the caller's hidden tensor left as it was",
                               "see the check forward_given_hidden for what went wrong in this call")
            if got.get("h0_unchanged") is not True:
                raise Feedback(call, "the caller's hidden tensor was modified in place",
                               "the caller's hidden tensor left as it was",
                               "forward must not change its inputs in place (copy_, +=, zero_ on `hidden`): the "
                               "caller may reuse that state, e.g. to run another sequence from it",
                               "your forward wrote into the caller's hidden tensor (an in-place operation such as "
                               "hidden.copy_(...) or hidden += ...); return the new state instead")


MSE_CONCEPT = ("the loss is the mean of the squared differences over every step, sample and output (nn.MSELoss's "
               "default): a 0-d tensor still connected to the net's parameters, so loss.backward() can train it")


def judge_sequence_mse(learner, reference, configs):
    """sequence_mse gives the mean squared error and its gradients, for each of ``configs``."""
    got_all = observe_each(learner, "ex03.sequence_mse", configs)
    want_all = observe_each(reference, "ex03.sequence_mse", configs)
    for index, (cfg, (got, want)) in enumerate(zip(configs, paired(got_all, want_all, "ex03.sequence_mse"))):
        call = in_configuration(f"sequence_mse(net, X of shape ({cfg['seq']}, {cfg['batch']}, {cfg['features']}), "
                                f"y of shape ({cfg['seq']}, {cfg['batch']}, {cfg['outputs']}))", index,
                                len(configs), cfg["dtype"])
        total = float(want["loss"].data) * cfg["seq"] * cfg["batch"] * cfg["outputs"]
        expect_tensor(got["loss"], want["loss"], call=call, what="the loss", concept=MSE_CONCEPT,
                      mistakes=[(lambda got: isinstance(got, (int, float)),
                                 "you returned a Python number: .item() (or float()) cuts the loss off from the "
                                 "graph, so loss.backward() cannot reach the net's parameters; return the tensor"),
                                (values_match(total), "that is the SUM of the squared errors; the loss is their "
                                                      "mean (nn.MSELoss's default reduction)")])
        if got["grads"] is None:
            raise Feedback(call, "a loss that gradients cannot flow through", "a loss connected to the net's "
                           "parameters", MSE_CONCEPT, "compute the loss with torch operations on the predictions; "
                           "do not detach them or call .item()")
        for got_grad, want_grad, name in zip(got["grads"], want["grads"], ("weight", "bias")):
            expect_tensor(got_grad, want_grad, call=call, what=f"the gradient of the loss w.r.t. the head's {name}",
                          concept=MSE_CONCEPT)
