"""Dashboards (issue 6 §5, §6): rollups folded incrementally (ADR 0014), panels, burden meter, Excel export."""
