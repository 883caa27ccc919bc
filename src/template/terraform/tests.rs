//! Unit tests of the Terraform reader.
