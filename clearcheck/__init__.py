"""ClearCheck (清检): keeps government inspections of enterprises lawful, planned, traceable and rare."""
