"""What code in a rule-bound module may name: modules, their members, builtins, and the rnn's attributes.

Everything not listed here is refused: the rules say what is allowed, not what
is forbidden. ``member(module, name)`` answers for one step of an attribute
chain (``torch`` -> ``torch.nn`` -> ``torch.nn.functional.linear``).
"""
import re

from .names import OBJECT_ATTRIBUTES  # noqa: F401  (re-exported)
from .names import FUNCTIONAL, MODULE_ATTRIBUTES, OBJECT_ATTRIBUTES, TORCH_FUNCTIONS

# Modules code may import and reach through, and which of their members it may use.
# A member that is itself a module here is followed further; any other member is a value.
NN_CLASSES = frozenset("""Module Linear Parameter ModuleList ParameterList ModuleDict ParameterDict Sequential
    Identity Tanh ReLU Sigmoid Softmax LogSoftmax Dropout Flatten RNN""".split())
PACKING = frozenset("""pack_padded_sequence pack_sequence pad_packed_sequence pad_sequence unpack_sequence
    unpad_sequence PackedSequence invert_permutation""".split())
NUMPY = frozenset("""int8 int16 int32 int64 uint8 float16 float32 float64 bool_ ndarray array asarray zeros ones
    empty full arange linspace prod sum cumsum mean std var min max abs sqrt exp log tanh maximum minimum
    allclose array_equal isclose isfinite isnan where concatenate stack transpose reshape dot matmul einsum
    zeros_like ones_like full_like empty_like pi e inf nan integer floating number dtype shape size ndim""".split())
MODULES = {
    "torch": TORCH_FUNCTIONS | {"nn"},
    "torch.nn": NN_CLASSES | {"functional", "utils", "init"},
    "torch.nn.functional": FUNCTIONAL,
    "torch.nn.utils": frozenset({"rnn"}),
    "torch.nn.utils.rnn": PACKING,
    "torch.nn.init": frozenset("""uniform_ normal_ zeros_ ones_ constant_ xavier_uniform_ xavier_normal_
        kaiming_uniform_ kaiming_normal_ orthogonal_ eye_ calculate_gain""".split()),
    "numpy": NUMPY,
    "math": None,                # every public name: pure functions and constants
    "typing": None,
    "__future__": frozenset({"annotations"}),
    "collections": frozenset({"namedtuple", "OrderedDict", "defaultdict", "deque", "Counter"}),
    "dataclasses": frozenset({"dataclass", "field"}),
    "functools": frozenset({"reduce", "lru_cache", "cache", "wraps"}),
    "itertools": None,
    "operator": frozenset("""add sub mul truediv floordiv neg matmul itemgetter""".split()),
    "copy": frozenset({"copy", "deepcopy"}),
    "warnings": frozenset({"warn"}),
    "matplotlib": frozenset({"pyplot"}),     # plot_weights (ex01) lives beside the rule-bound functions
    "matplotlib.pyplot": None,
}
SUBMODULES = {name for name in MODULES} | {f"{m}.{n}" for m, ns in MODULES.items() if ns for n in ns
                                           if f"{m}.{n}" in MODULES}

# Builtins code may call or name. Not here, so refused: getattr/setattr/delattr with a computed name
# (handled apart), vars, globals, locals, dir, eval, exec, compile, __import__, open, input, breakpoint,
# help, memoryview, type, object.__subclasses__ and the like: the doors out of what a reader can follow.
BUILTINS = frozenset("""abs all any bool dict divmod enumerate filter float format frozenset hash hex int
    isinstance issubclass iter len list map max min next object oct ord chr pow print property range repr
    reversed round set slice sorted staticmethod classmethod str sum super tuple zip callable id bin complex
    hasattr getattr setattr delattr NotImplemented Ellipsis None True False
    Exception ValueError TypeError RuntimeError KeyError IndexError AssertionError NotImplementedError
    AttributeError ArithmeticError ZeroDivisionError StopIteration LookupError Warning UserWarning""".split())
# Builtins that may be handed the rnn itself: they only look at it.
LOOKS_ONLY = frozenset({"isinstance", "hasattr", "print", "repr", "str", "id", "callable"})

# What manual_rnn may read from the rnn it is given (ex04): its parameters by name, its settings, and the
# documented ways to list parameters. Not its forward, __call__, private state or conversions.
RNN_PARAMETER = re.compile(r"(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?$")
RNN_ATTRIBUTES = frozenset("""input_size hidden_size num_layers nonlinearity bias batch_first dropout bidirectional
    proj_size mode training all_weights parameters named_parameters state_dict get_parameter""".split())


def member(module, name):
    """``"module"``/``"value"`` when ``module.name`` may be used, else None."""
    allowed = MODULES.get(module, frozenset())
    if name.startswith("_") or (allowed is not None and name not in allowed):
        return None
    return "module" if f"{module}.{name}" in MODULES else "value"


def module_allowed(dotted):
    return dotted in MODULES


def rnn_attribute(name):
    return bool(RNN_PARAMETER.match(name)) or name in RNN_ATTRIBUTES


def object_attribute(name, own_names):
    """An attribute of a plain value (tensor, list, a learner's own object...)."""
    if name.startswith("__"):
        return False
    return name in OBJECT_ATTRIBUTES or name in MODULE_ATTRIBUTES or name in own_names


def module_class(dotted):
    """torch.nn classes: they may be built (where the rule allows) but their attributes are never read."""
    return dotted.startswith("torch.nn.") and dotted.rsplit(".", 1)[-1] in NN_CLASSES
