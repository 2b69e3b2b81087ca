"""The worker pipe's format: every allowed dtype survives the trip exactly, and what a hostile
worker can write is refused with a WireError, never turned into anything but plain data."""
import base64
import json

import numpy as np
import pytest
import torch

from autograder.worker import wire

VALUES = [
    torch.randn(2, 3), torch.randn(2, 3, dtype=torch.float64), torch.randn(3).half(), torch.arange(6).reshape(2, 3),
    torch.tensor([True, False, True]), torch.tensor(2.5), torch.zeros(0, 4), torch.randn(4, 5).t(),
    torch.tensor([float("nan"), float("inf"), -float("inf")]), torch.tensor([1, 2], dtype=torch.int8),
    torch.tensor([200], dtype=torch.uint8), torch.tensor([3], dtype=torch.int16), torch.tensor([4], dtype=torch.int32),
    np.arange(6, dtype=">i4").reshape(2, 3), np.ones((2, 2), dtype=np.float32), np.array([True, False]),
]


def roundtrip(value):
    return wire.loads(wire.dumps(wire.encode(value)))


@pytest.mark.parametrize("value", VALUES, ids=lambda v: f"{type(v).__name__}-{v.dtype}-{tuple(v.shape)}")
def test_every_allowed_dtype_comes_back_exactly(value):
    got = roundtrip(value)
    expected = value.numpy() if isinstance(value, torch.Tensor) else value
    assert isinstance(got, wire.Array)
    assert got.shape == tuple(expected.shape) and got.data.shape == expected.shape
    assert got.dtype == str(expected.dtype.name)
    assert np.array_equal(got.data, expected, equal_nan=True)
    assert got.data.flags.writeable and got.data.dtype.isnative


def test_a_tensor_keeps_what_it_claimed_to_be():
    got = roundtrip({"w": torch.randn(3, requires_grad=True), "b": torch.randn(2).to(torch.bfloat16)})
    assert got["w"].requires_grad and got["w"].kind == "Tensor" and got["w"].device == "cpu"
    assert got["b"].dtype == "bfloat16" and got["b"].data.dtype == np.float32


def test_a_subclass_cannot_misreport_its_data():
    class Liar(torch.Tensor):
        def tolist(self):
            return [0.0]

        def numpy(self):
            return np.zeros(1)

    value = torch.arange(4.0).as_subclass(Liar)
    assert roundtrip(value).data.tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("value, words", [(torch.randn(2, dtype=torch.complex64), "dtype complex64"),
                                          (np.array(["a"]), "dtype <U1"),
                                          (torch.zeros(wire.MAX_ARRAY_ELEMENTS + 1), "too large")])
def test_what_cannot_travel_is_named_not_sent(value, words):
    got = roundtrip(value)
    assert isinstance(got, wire.Opaque) and words in got.type_name


def record(**fields):
    base = {"dtype": "float32", "shape": [2], "b64": base64.b64encode(np.ones(2, "<f4").tobytes()).decode()}
    base.update(fields)
    return json.dumps({"__array__": {k: v for k, v in base.items() if v is not None}})


def test_the_older_list_form_is_still_read():
    got = wire.loads(record(b64=None, data=[1.5, {"__float__": "nan"}]))
    assert got.data[0] == 1.5 and np.isnan(got.data[1])


@pytest.mark.parametrize("line", [
    record(b64="not base64!"),                                          # characters outside base64
    record(b64=base64.b64encode(b"\0" * 12).decode()),                  # 3 floats' bytes for a shape of 2
    record(b64=12345),                                                  # not a string
    record(data=[1.0, 2.0]),                                            # both forms at once
    record(b64=None),                                                   # neither
    record(dtype="object"), record(dtype="complex64"),                  # dtypes that are not numbers we compare
    record(shape=[-1]), record(shape=[2.0]), record(shape="2"),
    record(shape=[wire.MAX_ARRAY_ELEMENTS, 2]),                         # more elements than any answer has
    record(b64=None, data=[1.0, "x"]), record(b64=None, data=[1.0]),
])
def test_a_malformed_array_record_is_refused(line):
    with pytest.raises(wire.WireError):
        wire.loads(line)
