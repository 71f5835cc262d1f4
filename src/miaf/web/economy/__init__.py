"""Where users see the economics: the plot's cash flow and the family's calendar and side-selling."""
