"""Pages of evaluations and complaints: the enterprise portal (``enterprise``) and the workspace."""
