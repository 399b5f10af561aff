"""On-site inspections (现场检查). Built so far: recusal requests (回避申请, R13)."""
