"""Farm economics of MIAF-D plots: finance kernels, plot cash flow, uncertainty, side-selling.

Science layer: no Django. Modules: :mod:`.finance` (NPV, IRR, payback, B/C, annuity over arrays),
:mod:`.scenario` (typed inputs), :mod:`.cashflow` (the plot model), :mod:`.uncertainty` (distributions,
Monte Carlo, sensitivity), :mod:`.sidesell` (side-selling analysis), :mod:`.cli` (``miaf economics``,
``miaf calendar``).
"""
