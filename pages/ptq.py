"""PTQ: one layer rounded with RTN, GPTQ, AWQ and HQQ; GPTQ step by step."""

from quantviz.ui import ptq

ptq.render()
