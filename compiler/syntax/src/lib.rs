//! infrac-syntax (being written).
