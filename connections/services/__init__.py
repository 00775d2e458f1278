"""Connection operations. Views and other apps call these; nothing else changes the models."""
