//! INLISLite's 49-column member import layout.
