"""Configurations for hidden checks, drawn from a fixed seed.

Sizes within one configuration are all different (input, hidden, layers x
directions, batch, sequence length), so an answer with two axes swapped or a
size taken from the wrong argument can never match by coincidence. Every
combination of layers (1-3), bias, tanh/relu, batch_first and bidirectional
is visited before any repeats, in a seeded order, alternating float32/float64.
"""
import itertools
import random

CHECK_SEED = 20261125


def draw_rnn_configs(count, seed=CHECK_SEED, salt=""):
    """``count`` dicts with nn.RNN arguments plus ``seq_len``, ``batch_size``, ``seed`` and ``dtype``.

    ``salt`` (e.g. the check's name) gives each check its own draw from the same seed.
    """
    rng = random.Random(f"{seed}:{salt}")
    combos = list(itertools.product([1, 2, 3], [True, False], ["tanh", "relu"], [False, True], [False, True]))
    rng.shuffle(combos)
    configs = []
    for index in range(count):
        layers, bias, nonlinearity, batch_first, bidirectional = combos[index % len(combos)]
        directions = 2 if bidirectional else 1
        while True:
            input_size, hidden_size = rng.randint(2, 9), rng.randint(3, 11)
            batch_size, seq_len = rng.randint(2, 7), rng.randint(2, 9)
            sizes = [input_size, hidden_size, layers * directions, batch_size, seq_len]
            if bidirectional:  # (hidden * 1 is hidden itself: listing it twice would never be distinct)
                sizes.append(hidden_size * directions)
            if len(set(sizes)) == len(sizes):
                break
        configs.append(dict(input_size=input_size, hidden_size=hidden_size, num_layers=layers,
                            nonlinearity=nonlinearity, bias=bias, batch_first=batch_first,
                            bidirectional=bidirectional, dtype="float64" if index % 2 else "float32",
                            seq_len=seq_len, batch_size=batch_size, seed=rng.randint(0, 2**31 - 1)))
    return configs


def config_label(cfg):
    """A compact description of a configuration for feedback."""
    parts = [f"input={cfg['input_size']}", f"hidden={cfg['hidden_size']}", f"layers={cfg['num_layers']}"]
    for key in ("bias", "batch_first", "bidirectional"):
        if key in cfg:
            parts.append(f"{key}={cfg[key]}")
    if "nonlinearity" in cfg:
        parts.append(cfg["nonlinearity"])
    if "dtype" in cfg:
        parts.append(cfg["dtype"])
    if "seq_len" in cfg:
        parts.append(f"seq={cfg['seq_len']}, batch={cfg['batch_size']}")
    return ", ".join(parts)


def draw_net_configs(count, calls=3, seed=CHECK_SEED, salt=""):
    """``count`` RNNnet configurations, each with a series of ``calls`` calls on the same net.

    A configuration is ``{"net_args": {input_size, num_hidden, num_layers, output_size,
    batch_first}, "dtype", "seed", "calls": [{"seq", "batch", "seed"}, ...]}``. The
    calls of one net use different batch sizes, so a batch size kept from a global
    or from the first call fails on the second. Every third net keeps the default
    output_size=1; the others use an output size unlike every other size.
    """
    rng = random.Random(f"{seed}:{salt}:net")
    nets = []
    for index, cfg in enumerate(draw_rnn_configs(count, seed, salt)):
        taken = {cfg["input_size"], cfg["hidden_size"], cfg["num_layers"], cfg["seq_len"], cfg["batch_size"]}
        output_size = 1 if index % 3 == 0 else min(n for n in range(2, 30) if n not in taken)
        taken.add(output_size)
        batches = [cfg["batch_size"]] + rng.sample([n for n in range(2, 10) if n not in taken], calls - 1)
        series = []
        for batch in batches:
            seq = rng.choice([n for n in range(2, 10) if n not in taken | {batch}])
            series.append({"seq": seq, "batch": batch, "seed": rng.randint(0, 2**31 - 1)})
        nets.append({"net_args": {"input_size": cfg["input_size"], "num_hidden": cfg["hidden_size"],
                                  "num_layers": cfg["num_layers"], "output_size": output_size,
                                  "batch_first": cfg["batch_first"]},
                     "dtype": cfg["dtype"], "seed": cfg["seed"] % 100_000, "calls": series})
    return nets


def net_label(net_args, dtype="float32"):
    """How feedback names an RNNnet configuration: the constructor call (and its dtype)."""
    text = f"RNNnet({net_args['input_size']}, {net_args['num_hidden']}, {net_args['num_layers']}, " \
           f"output_size={net_args.get('output_size', 1)}, batch_first={net_args.get('batch_first', False)})"
    return text if dtype == "float32" else f"{text}.double()"


# The public checks' configurations beside the notebook's own sizes: fixed and published (learners
# read them here), so a learner's local run exercises every argument of the contract before the
# deadline. Between them they cover batch_first, bidirectional, two and three layers, bias off,
# relu, float64 and several batch sizes; within each, all sizes differ (as in the hidden draws), so
# a swapped axis or a size taken from the wrong argument cannot match by coincidence. The hidden
# checks draw many more from a seed, so answers fitted to these ones gain nothing there.
PUBLISHED_RNN_CONFIGS = [
    dict(input_size=3, hidden_size=4, num_layers=2, nonlinearity="tanh", bias=True, batch_first=True,
         bidirectional=False, dtype="float32", seq_len=6, batch_size=5, seed=101),
    dict(input_size=3, hidden_size=5, num_layers=1, nonlinearity="relu", bias=False, batch_first=False,
         bidirectional=True, dtype="float64", seq_len=6, batch_size=4, seed=102),
    dict(input_size=4, hidden_size=7, num_layers=3, nonlinearity="tanh", bias=True, batch_first=True,
         bidirectional=True, dtype="float64", seq_len=5, batch_size=2, seed=103),
    dict(input_size=2, hidden_size=6, num_layers=3, nonlinearity="relu", bias=False, batch_first=False,
         bidirectional=False, dtype="float32", seq_len=4, batch_size=5, seed=104),
]

# RNNnets for the public checks: each is called several times in a row with other batch sizes (a
# batch size kept from a global such as the notebook's `batchsize`, or from the first call, fails
# the second call), in both layouts and dtypes, with 1 to 3 layers and output sizes 1 to 4.
PUBLISHED_NET_CONFIGS = [
    {"net_args": {"input_size": 3, "num_hidden": 16, "num_layers": 1, "output_size": 1, "batch_first": False},
     "dtype": "float32", "seed": 201,
     "calls": [{"seq": 5, "batch": 2, "seed": 211}, {"seq": 7, "batch": 4, "seed": 212},
               {"seq": 6, "batch": 9, "seed": 213}]},
    {"net_args": {"input_size": 3, "num_hidden": 4, "num_layers": 2, "output_size": 1, "batch_first": True},
     "dtype": "float32", "seed": 202,
     "calls": [{"seq": 6, "batch": 5, "seed": 221}, {"seq": 7, "batch": 8, "seed": 222},
               {"seq": 5, "batch": 9, "seed": 223}]},
    {"net_args": {"input_size": 5, "num_hidden": 3, "num_layers": 1, "output_size": 2, "batch_first": False},
     "dtype": "float64", "seed": 203,
     "calls": [{"seq": 4, "batch": 6, "seed": 231}, {"seq": 7, "batch": 9, "seed": 232},
               {"seq": 6, "batch": 4, "seed": 233}]},
    {"net_args": {"input_size": 2, "num_hidden": 6, "num_layers": 3, "output_size": 4, "batch_first": True},
     "dtype": "float64", "seed": 204,
     "calls": [{"seq": 5, "batch": 7, "seed": 241}, {"seq": 8, "batch": 9, "seed": 242},
               {"seq": 7, "batch": 5, "seed": 243}]},
]

# sequence_mse in the public checks: several outputs per step and float64 besides the notebook's case.
PUBLISHED_LOSS_CONFIGS = [dict(seq=6, batch=4, features=3, outputs=2, dtype="float64", seed=301),
                          dict(seq=3, batch=7, features=2, outputs=4, dtype="float32", seed=302)]
