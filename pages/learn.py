"""Learn: the source notes in order, in our words, with every number computed live."""

from quantviz.ui import learn

learn.render()
