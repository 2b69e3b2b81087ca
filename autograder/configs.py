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
