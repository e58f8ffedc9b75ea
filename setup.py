"""Installation script for skreg (metadata lives here; build settings in pyproject.toml)."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'^__version__ = "([^"]+)"', (HERE / "skreg" / "__init__.py").read_text(), re.M
).group(1)

setup(
    name="skreg",
    version=VERSION,
    description="scikit-learn compatible regularization estimators: ridge in the "
    "eigenbasis, L1 soft-thresholding, early stopping and noise injection",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    packages=find_packages(include=["skreg", "skreg.*"]),
    python_requires=">=3.10",
    install_requires=[
        "numpy>=1.24",
        "scipy>=1.10",
        "scikit-learn>=1.6",
        "pandas>=1.5",
        "threadpoolctl>=3.1",
    ],
    extras_require={
        "test": [
            "pytest>=7",
            "hypothesis>=6",
            "pytest-cov>=4",
            "matplotlib>=3.6",
            "dask[array,dataframe,distributed]>=2023.1",
            # array API tests (PyTorch is never an extra: its tests run where it is
            # installed and skip otherwise)
            "array-api-strict>=2.6",
            "skops>=0.10",
        ],
        "plot": ["matplotlib>=3.6"],
        "dask": ["dask[array,dataframe,distributed]>=2023.1"],
    },
    entry_points={"console_scripts": ["skreg=skreg.__main__:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Intended Audience :: Science/Research",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
