"""The cache keys of quantviz.ui.caching: exact names for a figure's arguments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from quantviz.metrics import Histogram
from quantviz.present import Theme
from quantviz.ui.caching import fingerprint, key


def test_equal_arguments_have_one_fingerprint():
    a = {"x": np.arange(5, dtype=np.float32), "theme": Theme(), "n": 3, "s": "t", "none": None}
    b = {"x": np.arange(5, dtype=np.float32), "theme": Theme(), "n": 3, "s": "t", "none": None}
    assert key(fingerprint(a)) == key(fingerprint(b))


@pytest.mark.parametrize("other", [
    np.array([0.0, 1.0, 2.0, 3.0, 4.000001], np.float32),  # one value
    np.arange(5, dtype=np.float64),  # the dtype
    np.arange(5, dtype=np.int32).view(np.float32),  # the same length, other bytes
    np.arange(6, dtype=np.float32)[:5].reshape(5, 1),  # the shape
])
def test_an_array_is_named_by_dtype_shape_and_every_byte(other):
    assert fingerprint(np.arange(5, dtype=np.float32)) != fingerprint(other)


def test_a_strided_view_is_named_as_its_values():
    x = np.arange(10, dtype=np.float32)
    assert fingerprint(x[::2]) == fingerprint(np.ascontiguousarray(x[::2]))


def test_order_of_a_mapping_counts_and_containers_differ():
    # a legend lists curves in the mapping's order: two orders are two figures
    assert fingerprint({"a": 1, "b": 2}) != fingerprint({"b": 2, "a": 1})
    assert fingerprint([1, 2]) == fingerprint((1, 2))  # plotly draws a list and a tuple alike
    assert fingerprint(np.float32(0.5)) == 0.5 and fingerprint(True) is True


def test_a_dataclass_is_named_by_its_fields_arrays_included():
    h1 = Histogram(np.array([0.0, 1.0, 2.0]), np.array([3, 4]))
    h2 = Histogram(np.array([0.0, 1.0, 2.0]), np.array([3, 5]))
    assert fingerprint(h1) != fingerprint(h2)
    assert fingerprint(Theme()) != fingerprint(Theme.presentation())

    @dataclass(frozen=True)
    class Other:
        edges: np.ndarray
        counts: np.ndarray

    assert fingerprint(Other(h1.edges, h1.counts)) != fingerprint(h1)  # the type is named


def test_a_value_without_an_exact_name_is_refused():
    with pytest.raises(TypeError, match="no exact cache key for a object"):
        fingerprint({"x": object()})
    with pytest.raises(TypeError):
        fingerprint(Theme)  # a class, not an instance
