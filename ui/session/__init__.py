"""The parts of the therapist session, one module each; pages/session.py shows the one asked for."""
