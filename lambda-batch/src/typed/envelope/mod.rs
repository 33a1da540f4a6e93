//! Envelopes: payloads that another service wrapped before they reached the batch.
