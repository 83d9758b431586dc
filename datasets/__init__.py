"""Dataset definitions and the bundled sample (installed as ``course.datasets``).

- ``mnist_sample.npz``: 5,000 real MNIST digits, rebuilt by ``build_sample.py``.
- ``mnist_idx.py``: the four standard MNIST IDX files, read and checked, and
  prepared as the tensorflow-datasets ``mnist`` dataset without a network.

Learners load data through ``course.data.load_digits``; see datasets/README.md
for where every file comes from.
"""
