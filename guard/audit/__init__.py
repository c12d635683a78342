"""The audit trail of decisions: the record, the masking of secrets, the detached writer, the reader."""
