"""Sub-commands of the aidwatch CLI."""
