"""Checkpoint: every tensor of a checkpoint in one table, worst first."""

from quantviz.ui import checkpoint

checkpoint.render()
