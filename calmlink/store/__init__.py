"""The SQLite store: the one shape of a beat, schema and migrations, the one writer thread, the
domain operations, viewer tokens and export. Keeps what it is given: it computes no summary and
imports neither the live loop nor review."""
