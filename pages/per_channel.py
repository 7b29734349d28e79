"""Per-channel: one weight tensor per tensor, per channel and per group."""

from quantviz.ui import per_channel

per_channel.render()
