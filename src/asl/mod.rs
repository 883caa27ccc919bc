//! Syntax of the small languages inside ASL string values: paths, intrinsic functions, timestamps.
