"""Building blocks shared by every page: one component per need, no near-copies."""
