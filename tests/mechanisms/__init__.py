"""One test module per mechanism of :mod:`hiresim.mechanisms` (shared helpers: ``helpers``)."""
