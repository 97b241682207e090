"""The parts of the therapist session, one module each; app_pages/session.py shows the one asked for."""
