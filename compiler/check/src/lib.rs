//! infrac-check (being written).
