"""Pure metric functions: small frames in, figures out; no SQL, no Flask."""
