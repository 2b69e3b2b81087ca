"""The plain-data format that crosses the worker pipe, in both directions.

A message is one line of JSON. Values are JSON scalars, lists and dicts with
string keys; tensors and arrays travel as
``{"__array__": {"dtype": "float32", "shape": [2, 3], "b64": "...", "kind": "Tensor", ...}}``:
the values' bytes in C order and little-endian, base64-encoded (``LAYOUTS`` says
which layout each dtype has; an older form with the flat values as a JSON list,
``"data": [...]``, is still read). The trusted side decodes with ``json.loads``
and ``decode``, which checks every field (the dtype is one of a fixed list, the
byte count is the shape's) and rebuilds numpy arrays from bytes with
``numpy.frombuffer``; nothing is unpickled or evaluated, so a hostile worker can
at worst send wrong data, which then simply fails the comparison.
"""
import base64
import binascii
import json
import math
import re

import numpy as np

# dtypes a learner's tensor may legitimately have; anything else is reported by name only.
ARRAY_DTYPES = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
                "uint8", "bool")
# The byte layout of each dtype's values on the wire (numpy has no bfloat16: it travels as float32,
# exactly; bool as one byte each, any non-zero byte read as True).
LAYOUTS = {"float16": "<f2", "bfloat16": "<f4", "float32": "<f4", "float64": "<f8", "int8": "i1",
           "int16": "<i2", "int32": "<i4", "int64": "<i8", "uint8": "u1", "bool": "u1"}
# Bounds on one message, checked on its bytes before it is parsed, so that what a worker
# writes can never cost the grader more than a few hundred MB or a fraction of a second.
# Measured (solutions, every check): the largest answer is 130 kB with 7,000 values.
MAX_LINE_BYTES = 8 * 1024 * 1024
MAX_VALUES = 500_000                   # JSON values (numbers, strings, lists, objects) in one message
MAX_ARRAY_ELEMENTS = 1_000_000
MAX_DEPTH = 32
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


class WireError(ValueError):
    """A message that is not well-formed plain data."""


# ---------------------------------------------------------------- encoding (either side)

def encode(value, _depth=0):
    """Turn a value into JSON-able plain data.

    Exact built-in types pass through; tensors and numpy arrays become array
    records; anything else becomes ``{"__object__": "<type name>"}`` so that a
    check can say "returned a <type>" without the object crossing the pipe.
    """
    if _depth > MAX_DEPTH:
        return {"__object__": "too deeply nested"}
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return _float(value)
    if kind in (list, tuple):
        return [encode(v, _depth + 1) for v in value]
    if kind is dict:
        return {str(k): encode(v, _depth + 1) for k, v in value.items()}
    array = _as_numpy(value)
    if array is not None:
        return array
    return {"__object__": _type_name(value)}


def _float(x):
    # JSON has no NaN/Infinity; spell them as strings the decoder turns back.
    if math.isfinite(x):
        return x
    return {"__float__": repr(x)}


def _type_name(value):
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__qualname__


def _as_numpy(value):
    """Array record for a torch tensor (any subclass) or numpy array, else None."""
    try:
        import torch
    except ImportError:  # the reference side in a bundle without torch never gets here
        torch = None
    if torch is not None and isinstance(value, torch.Tensor):
        # Call the base-class methods directly: a subclass cannot intercept
        # them to misreport its data (it can only misreport to itself).
        base = torch.Tensor.as_subclass(value, torch.Tensor)
        dtype = str(base.dtype).replace("torch.", "")
        if base.numel() > MAX_ARRAY_ELEMENTS:
            return {"__object__": f"tensor too large ({base.numel()} elements)"}
        if dtype not in ARRAY_DTYPES:
            return {"__object__": f"torch.Tensor of dtype {dtype}"}
        try:
            flat = base.detach().to("cpu").resolve_conj().resolve_neg()
            if dtype == "bfloat16":
                flat = flat.float()
            array = flat.contiguous().numpy()
        except Exception as exc:  # sparse, meta, or otherwise unreadable storage
            return {"__object__": f"torch.Tensor that cannot be read ({type(exc).__name__})"}
        return _array_record(array, dtype, list(base.shape), "Tensor", bool(base.requires_grad), str(base.device))
    if isinstance(value, np.ndarray):
        # As for tensors: the base class's view, whatever a subclass says its shape or data are.
        value = np.ndarray.view(value, np.ndarray)
        if value.size > MAX_ARRAY_ELEMENTS:
            return {"__object__": f"array too large ({value.size} elements)"}
        if value.dtype.name not in ARRAY_DTYPES:
            return {"__object__": f"numpy.ndarray of dtype {value.dtype}"}
        return _array_record(value, value.dtype.name, list(value.shape), "ndarray", False, "cpu")
    return None


def _array_record(array, dtype, shape, kind, requires_grad, device):
    data = np.ascontiguousarray(array, dtype=LAYOUTS[dtype]).tobytes()
    return {"__array__": {"dtype": dtype, "shape": shape, "b64": base64.b64encode(data).decode("ascii"),
                          "kind": kind, "requires_grad": requires_grad, "device": device}}


def dumps(message):
    return json.dumps(message, allow_nan=False, separators=(",", ":"))


# ---------------------------------------------------------------- decoding (trusted side)

class Array:
    """A decoded array record: numpy data plus what the learner's object claimed to be."""

    __slots__ = ("data", "dtype", "shape", "kind", "requires_grad", "device")

    def __init__(self, data, dtype, shape, kind, requires_grad, device):
        self.data, self.dtype, self.shape = data, dtype, shape
        self.kind, self.requires_grad, self.device = kind, requires_grad, device

    def __repr__(self):
        return f"Array(shape={self.shape}, dtype={self.dtype})"


class Opaque:
    """A value the worker could only describe by its type name."""

    __slots__ = ("type_name",)

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


def loads(line):
    """Parse one message from a worker: bounded (``precheck``), JSON only, then ``decode``."""
    if isinstance(line, str):
        line = line.encode("utf-8", "surrogatepass")
    precheck(line)
    try:
        raw = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"not JSON: {exc}") from None
    return decode(raw)


def precheck(line):
    """Refuse a message whose size, number of values or nesting exceeds the bounds, before parsing it.

    Runs on the raw bytes with C-speed operations only: strings are blanked out (their
    brackets and commas do not count), values are counted by their separators, and the
    depth by removing innermost bracket pairs level by level.
    """
    if len(line) > MAX_LINE_BYTES:
        raise WireError(f"a message of more than {MAX_LINE_BYTES // 2 ** 20} MiB")
    bare = _STRING.sub(b'""', line)
    values = bare.count(b",") + bare.count(b"[") + bare.count(b"{") + 1
    if values > MAX_VALUES:
        raise WireError(f"more than {MAX_VALUES} values in one message")
    brackets = bare.translate(None, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH + 4):
        if not brackets:
            return
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if shorter == brackets:
            raise WireError("brackets that do not match")
        brackets = shorter
    raise WireError(f"values nested more than {MAX_DEPTH} levels deep")


def decode(raw, _depth=0):
    """Validate plain data and rebuild arrays, non-finite floats and opaque objects."""
    if _depth > MAX_DEPTH + 2:
        raise WireError("nested too deeply")
    kind = type(raw)
    if raw is None or kind in (bool, int, float, str):
        return raw
    if kind is list:
        return [decode(v, _depth + 1) for v in raw]
    if kind is not dict:
        raise WireError(f"unexpected {kind.__name__}")
    if set(raw) == {"__float__"}:
        text = raw["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise WireError("bad float")
        return float(text)
    if set(raw) == {"__object__"}:
        return Opaque(str(raw["__object__"])[:200])
    if set(raw) == {"__array__"}:
        return _decode_array(raw["__array__"])
    return {str(k): decode(v, _depth + 1) for k, v in raw.items()}


_NUMBER_TYPES = frozenset((int, float, bool))


def _decode_array(record):
    if type(record) is not dict:
        raise WireError("bad array record")
    dtype, shape = record.get("dtype"), record.get("shape")
    if dtype not in ARRAY_DTYPES:
        raise WireError(f"array dtype {dtype!r} not allowed")
    if type(shape) is not list or not all(type(n) is int and 0 <= n for n in shape):
        raise WireError("bad array shape")
    count = math.prod(shape)
    if count > MAX_ARRAY_ELEMENTS:
        raise WireError("array data does not match its shape")
    if ("b64" in record) == ("data" in record):
        raise WireError("an array record needs exactly one of b64 and data")
    array = _from_bytes(record["b64"], dtype, count) if "b64" in record else _from_list(record["data"], dtype, count)
    return Array(array.reshape(shape), dtype, tuple(shape), str(record.get("kind", "Tensor"))[:40],
                 bool(record.get("requires_grad", False)), str(record.get("device", "cpu"))[:40])


def _from_bytes(text, dtype, count):
    layout = np.dtype(LAYOUTS[dtype])
    if type(text) is not str or len(text) > 2 * MAX_LINE_BYTES:
        raise WireError("array bytes must be a base64 string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise WireError("array bytes are not base64") from None
    if len(raw) != count * layout.itemsize:
        raise WireError("array data does not match its shape")
    values = np.frombuffer(raw, dtype=layout)
    if dtype == "bool":
        return values != 0
    return values.astype(layout.newbyteorder("="))  # a writable copy in this machine's byte order


def _from_list(data, dtype, count):
    if type(data) is not list or len(data) != count:
        raise WireError("array data does not match its shape")
    if set(map(type, data)) <= _NUMBER_TYPES:
        values = data  # the common case, checked at C speed: plain numbers only
    else:
        values = []
        for v in data:
            if type(v) is dict:
                v = decode(v)  # a non-finite float
            if type(v) not in _NUMBER_TYPES:
                raise WireError("array data must be numbers")
            values.append(v)
    return np.array(values, dtype="float32" if dtype == "bfloat16" else dtype)
