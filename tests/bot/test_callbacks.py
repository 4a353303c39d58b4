"""Callback data is packed and unpacked in one place; nothing a client sends gets past ``decode`` and
``int_arg`` unchecked."""

from __future__ import annotations

import re

import pytest

from bot.callbacks import MAX_BYTES, BadCallback, CallbackData, decode, pack, pattern


def test_round_trip_and_limits() -> None:
    data = pack("mem", "tr", 12, 2147483647)
    assert data == "v1:mem:tr:12:2147483647" and len(data.encode()) <= MAX_BYTES
    decoded = decode(data)
    assert decoded == CallbackData("mem", "tr", ("12", "2147483647"))
    assert decoded.int_arg(0) == 12 and decoded.int_arg(1) == 2**31 - 1
    assert re.match(pattern("mem"), data)
    with pytest.raises(ValueError):
        pack("mem", "rm", "x" * 80)
    with pytest.raises(ValueError):
        pack("mem", "rm", "a:b")  # an argument may not smuggle a separator
    with pytest.raises(ValueError):
        pack("m:em", "rm", 1)


@pytest.mark.parametrize("raw", [None, "", "v0:mem:rm:1", "v1:mem", "v1::rm:1", "v1:mem::1", "v1:m em:rm:1",
                                 "x" * 65, "v1:mem:rm:" + "1" * 60, "\x00v1:mem:rm:1"])
def test_garbage_does_not_decode(raw: str | None) -> None:
    assert decode(raw) is None


@pytest.mark.parametrize("arg", ["0", "-1", "2147483648", "99999999999999999999", "1e3", "٣", " 1", "", "0x1f"])
def test_ids_out_of_range_or_malformed_are_refused(arg: str) -> None:
    decoded = decode(f"v1:mem:rm:{arg}")
    assert decoded is not None
    with pytest.raises(BadCallback):
        decoded.int_arg()


def test_missing_arguments_are_refused() -> None:
    decoded = decode("v1:mem:rm")
    assert decoded is not None
    with pytest.raises(BadCallback):
        decoded.int_arg()
    with pytest.raises(BadCallback):
        decoded.str_arg()
